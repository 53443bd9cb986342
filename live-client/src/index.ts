export { LiveClient, type EventData, type LiveClientOptions, type LiveStatus } from './live-client.js';
