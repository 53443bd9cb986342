import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import type { ApplianceConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { SettingsStore } from './settings/settings-store.js';
import { connect, redactUrl, type Connections } from './embedded/connections.js';
import { logOutput } from './log-output.js';
import { embeddedMqttAccess, newApplianceCredentials, type ApplianceMqttCredentials } from './embedded/mqtt-access.js';
import { embeddedBrokerPort } from './embedded/broker-port.js';
import { mqttBrokerRoutes } from './embedded/routes.js';
import { Devices } from './devices/device-tokens.js';
import { AuditLog } from './audit/audit-log.js';
import { LOG_REDACT } from './http/log-redaction.js';
import { APPLIANCE_DIR } from './install-dir.js';
import type { EmbeddedMqttBroker } from './embedded/mqtt-broker.js';
import { MQTT_AGENT_USER_PREFIX, MQTT_HOMEASSISTANT_USER, type MqttBrokerInfo } from '@hearth/protocol';

export const VERSION: string = (JSON.parse(readFileSync(new URL('package.json', APPLIANCE_DIR), 'utf8')) as { version: string }).version;

export interface RunningAppliance {
  app: FastifyInstance;
  url: string;
  connections: Connections;
  /** Where Home Assistant and agents sign in to MQTT. */
  mqttBroker: MqttBrokerInfo;
  stop(): Promise<void>;
}

export interface StartOptions extends Pick<AppOptions, 'sessionPolicy' | 'throttlePolicy' | 'throttleClock' | 'sessionClock'> {
  /** Where log lines go (default stdout); tests capture them to prove secrets stay out. */
  logDestination?: NodeJS.WritableStream;
  /** Extra capabilities (tests use this to add nothing; main adds the product's). */
  capabilities?: (c: Connections, log: Logger, config: ApplianceConfig) => NonNullable<AppOptions['capabilities']>;
}

/**
 * Start everything the appliance needs: SQLite and settings under the data dir, Redis and MQTT
 * (embedded when no URL is given), then the HTTP service. `stop()` undoes it in reverse order.
 */
export async function startAppliance(config: ApplianceConfig, opts: StartOptions = {}): Promise<RunningAppliance> {
  const log = pino({ level: config.logLevel, redact: LOG_REDACT }, opts.logDestination ?? logOutput());
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err: Error) => log.error({ err: err.message }, 'error while stopping'));
    }
    cleanups.length = 0;
  };
  try {
    const db = openDatabase(join(config.dataDir, 'hearth.db'), { cacheMiB: config.sqliteCacheMiB });
    cleanups.push(async () => {
      db.close();
    });
    const settings = await SettingsStore.open(join(config.dataDir, 'settings.json'));

    // Embedded services are supervised; /readyz says so while one of them is being restarted.
    const supervised: Array<{ name: string; problem(): string | null }> = [];
    let embeddedBroker: EmbeddedMqttBroker | undefined;
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      // The embedded servers (and aedes) are loaded only when no external one is configured.
      const { EmbeddedRedis } = await import('./embedded/redis-server.js');
      const embedded = new EmbeddedRedis(join(config.dataDir, 'redis'), 6380, log);
      redisUrl = await embedded.start();
      cleanups.push(() => embedded.stop());
      supervised.push({ name: 'embedded-redis', problem: () => embedded.problem() });
    }
    let mqttUrl = config.mqttUrl;
    let mqttCredentials: ApplianceMqttCredentials | undefined;
    const brokerInfo: MqttBrokerInfo = {
      embedded: false,
      port: null,
      reachableFromLan: false,
      homeAssistantUser: MQTT_HOMEASSISTANT_USER,
      agentUserPrefix: MQTT_AGENT_USER_PREFIX,
    };
    if (!mqttUrl) {
      const { EmbeddedMqttBroker } = await import('./embedded/mqtt-broker.js');
      mqttCredentials = newApplianceCredentials();
      const host = config.mqttHost ?? '127.0.0.1';
      const port = await embeddedBrokerPort(settings, config.mqttPort, host);
      Object.assign(brokerInfo, { embedded: true, port, reachableFromLan: !/^(127\.|::1$|localhost$)/.test(host) });
      const broker = new EmbeddedMqttBroker({
        host,
        port,
        access: embeddedMqttAccess({ devices: new Devices(db), audit: new AuditLog(db), appliance: mqttCredentials, log }),
        log,
      });
      mqttUrl = await broker.start();
      embeddedBroker = broker;
      cleanups.push(() => broker.stop());
      supervised.push({ name: 'embedded-mqtt', problem: () => broker.problem() });
    }

    let connections: Connections | undefined;
    const app = await buildApp({
      db,
      settings,
      version: VERSION,
      trustProxy: config.trustProxy,
      metricsToken: config.metricsToken,
      publicUrl: config.publicUrl,
      logger: log,
      sessionPolicy: opts.sessionPolicy,
      throttlePolicy: opts.throttlePolicy,
      throttleClock: opts.throttleClock,
      sessionClock: opts.sessionClock,
      capabilities: [
        async (a) => {
          for (const s of supervised) {
            a.readiness.add(s.name, () => {
              const problem = s.problem();
              if (problem) throw new Error(problem);
              return true;
            });
          }
          await a.register(mqttBrokerRoutes, { info: brokerInfo });
          if (embeddedBroker) {
            const broker = embeddedBroker;
            a.bus.on('device.revoked', ({ deviceId }) => broker.dropDevice(deviceId));
          }
          connections = await connect(redisUrl, mqttUrl, a.readiness, log, mqttCredentials);
          cleanups.push(() => connections!.close());
          for (const capability of opts.capabilities?.(connections, log, config) ?? []) await capability(a);
        },
      ],
    });
    cleanups.push(() => app.close());
    await app.listen({ host: config.host, port: config.port });
    const addr = app.server.address();
    const port = addr && typeof addr === 'object' ? addr.port : config.port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${shownHost}:${port}`;
    log.info({ url, redis: redactUrl(redisUrl), mqtt: redactUrl(mqttUrl), dataDir: config.dataDir }, 'Hearth appliance is up');
    return { app, url, connections: connections!, mqttBroker: brokerInfo, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
