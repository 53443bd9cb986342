/**
 * The embedded broker's port must not move between restarts, or Home Assistant's MQTT settings
 * stop working: the port taken on the first start is saved in settings.json and reused.
 */
import { createServer, type Server } from 'node:net';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, tempDir, type RedisInstance } from '@hearth/testkit';
import { startAppliance } from '../src/server.js';
import type { ApplianceConfig } from '../src/config.js';
import { MQTT_DEFAULT_PORT } from '../src/embedded/broker-port.js';
import { HttpClient } from './support/http-client.js';
import { TEST_PASSWORD } from './support/harness.js';

let redis: RedisInstance;
let data: Awaited<ReturnType<typeof tempDir>>;
let config: ApplianceConfig;

const listen = (port: number) =>
  new Promise<Server | null>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
const close = (srv: Server | null) => new Promise<void>((resolve) => (srv ? srv.close(() => resolve()) : resolve()));
const portOf = (url: string) => Number(new URL(url).port);
const savedPort = async () => (JSON.parse(await readFile(join(data.path, 'settings.json'), 'utf8')) as { embeddedMqtt?: { port: number } }).embeddedMqtt?.port;

beforeAll(async () => {
  redis = await startRedis();
  data = await tempDir('hearth-mqtt-port-');
  config = {
    host: '127.0.0.1',
    port: 0,
    dataDir: data.path,
    redisUrl: redis.url,
    mqttUrl: undefined,
    mqttHost: '127.0.0.1',
    trustProxy: false,
    publicUrl: undefined,
    logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
  };
});

afterAll(async () => {
  await redis?.close();
  await data?.remove();
});

describe('the embedded broker’s port', () => {
  it('is chosen once (1883, or a free port when 1883 is taken), saved, and kept across restarts', async () => {
    // 1883 is taken while the appliance first starts (by us, or by a broker already on this machine).
    const holder = await listen(MQTT_DEFAULT_PORT);
    let first;
    try {
      first = await startAppliance(config);
    } finally {
      await close(holder);
    }
    const port = portOf(first.connections.mqttUrl);
    expect(port).not.toBe(MQTT_DEFAULT_PORT);
    expect(await savedPort()).toBe(port);
    const admin = new HttpClient(first.url);
    expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
    const token = (await admin.post('/api/admin/devices', { kind: 'home-assistant', name: 'HA' })).json.token as string;
    await first.stop();

    // 1883 may be free now: the broker still comes back where Home Assistant knows it.
    const second = await startAppliance(config);
    try {
      expect(portOf(second.connections.mqttUrl)).toBe(port);
      const ha = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'homeassistant', password: token, reconnectPeriod: 0 });
      expect(ha.connected).toBe(true);
      await ha.endAsync();
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('is never moved silently: when another program holds the saved port, the start fails and says why', async () => {
    const port = (await savedPort())!;
    const squatter = await listen(port);
    expect(squatter).not.toBeNull();
    try {
      await expect(startAppliance(config)).rejects.toThrow(new RegExp(`MQTT port ${port} .*in use by another program`));
    } finally {
      await close(squatter);
    }
  }, 60_000);
});
