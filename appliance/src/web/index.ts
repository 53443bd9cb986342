export { portalPlugin, DEFAULT_DIST_DIR, type PortalOptions } from './portal-plugin.js';
