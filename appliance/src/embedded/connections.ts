import { Redis } from 'ioredis';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { applianceTopics } from '@hearth/protocol';
import type { Readiness } from '../health/readiness.js';

/** The appliance's own clients of Redis and MQTT, shared by its capabilities. */
export interface Connections {
  redisUrl: string;
  mqttUrl: string;
  redis: Redis;
  mqtt: MqttClient;
  close(): Promise<void>;
}

/**
 * `mqttCredentials`: the appliance's user on the embedded broker (an external broker's user and
 * password come inside MQTT_URL instead).
 */
export async function connect(
  redisUrl: string,
  mqttUrl: string,
  readiness: Readiness,
  log: Logger,
  mqttCredentials?: { username: string; password: string },
): Promise<Connections> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection problem'));
  await redis.connect().catch((err: Error) => log.error({ err: err.message, redisUrl: redactUrl(redisUrl) }, 'redis unreachable at start; retrying'));

  // The broker says `offline` for us when we vanish (Home Assistant greys the appliance's entities out);
  // the mqtt-device capability publishes `online` on every connect.
  const client = mqtt.connect(mqttUrl, {
    clientId: `hearth-appliance-${process.pid}`,
    ...mqttCredentials,
    reconnectPeriod: 2000,
    connectTimeout: 5000,
    will: { topic: applianceTopics().availability, payload: Buffer.from('offline'), retain: true, qos: 1 },
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt connection problem'));

  readiness.add('redis', async () => (await redis.ping()) === 'PONG');
  readiness.add('mqtt', () => client.connected);

  return {
    redisUrl,
    mqttUrl,
    redis,
    mqtt: client,
    async close() {
      await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
      redis.disconnect();
    },
  };
}

/** A URL fit for a log line: no password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
