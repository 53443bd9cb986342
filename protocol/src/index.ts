export * from './jobs.js';
export * from './principals.js';
export * from './mqtt.js';
export * from './ha-discovery.js';
export * from './broker.js';
export * from './api.js';
export * from './kiosk.js';
export * from './ha-discovery-plan.js';
