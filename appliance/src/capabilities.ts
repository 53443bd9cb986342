import type { Logger } from 'pino';
import type { HearthApp } from './app.js';
import type { ApplianceConfig } from './config.js';
import type { Connections } from './embedded/connections.js';
import { jobCapabilities } from './jobs/capabilities.js';
import { VERSION } from './server.js';
import { portalPlugin } from './web/index.js';
import { homeAssistantPlugin } from './home-assistant/plugin.js';
import { backupRoutes } from './backup/routes.js';
import { kioskFeedPlugin } from './kiosk-feed/index.js';
import { mqttDevicePlugin } from './mqtt-device/plugin.js';
import { gettingStartedRoutes } from './getting-started/routes.js';
import { comicCapabilities } from './comics/capabilities.js';
import { hubCaRoutes } from './hub-ca/routes.js';
import { agentCommandAuditPlugin } from './mqtt-device/agent-command-audit.js';
import { pushPlugin } from './push/plugin.js';

export type Capability = (app: HearthApp) => Promise<void>;

/**
 * The product's capabilities beyond the core (accounts, sessions, devices, audit, settings),
 * registered in this order once Redis and MQTT are connected. Add a capability with one line here.
 */
export function productCapabilities(config: ApplianceConfig, connections: Connections, log: Logger, version: string = VERSION): Capability[] {
  return [
    ...jobCapabilities({ dataDir: config.dataDir, version, connections, log }),
    ...comicCapabilities({ log }),
    async (app) => {
      await app.register(homeAssistantPlugin, { log });
    },
    async (app) => {
      await app.register(pushPlugin, { log, publicUrl: config.publicUrl });
    },
    async (app) => {
      await app.register(backupRoutes, { dataDir: config.dataDir, key: config.backupKey });
    },
    async (app) => {
      await app.register(kioskFeedPlugin, { version, publicUrl: config.publicUrl });
    },
    async (app) => {
      await app.register(mqttDevicePlugin, { mqtt: connections.mqtt, log, version, configurationUrl: config.publicUrl });
    },
    // The embedded broker audits agent commands itself, before delivering them.
    ...(config.mqttUrl
      ? [
          async (app: HearthApp) => {
            await app.register(agentCommandAuditPlugin, { mqtt: connections.mqtt, log });
          },
        ]
      : []),
    async (app) => {
      await app.register(gettingStartedRoutes);
    },
    async (app) => {
      await app.register(hubCaRoutes, { certPath: config.hubCaCert });
    },
    async (app) => {
      await app.register(portalPlugin);
    },
  ];
}
