export { kioskFeedPlugin, type KioskFeedOptions } from './plugin.js';
export { KioskControl } from './kiosk-control.js';
