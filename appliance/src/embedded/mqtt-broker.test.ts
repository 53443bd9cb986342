import type { Server } from 'node:net';
import mqtt from 'mqtt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@hearth/testkit';
import { mqttAcl } from '@hearth/protocol';
import { EmbeddedMqttBroker } from './mqtt-broker.js';
import type { MqttAccess } from './mqtt-access.js';

/** One user, `appliance` / `pw`: enough to see the broker's own supervision. */
const access: MqttAccess = {
  authenticate: (_clientId, username, password) =>
    username === 'appliance' && password?.toString() === 'pw' ? { identity: { kind: 'appliance' }, acl: mqttAcl({ kind: 'appliance' }) } : null,
  beforeDeliver: () => undefined,
};

let broker: EmbeddedMqttBroker | undefined;
afterEach(() => broker?.stop());

describe('the embedded broker’s listening socket', () => {
  it('listens again by itself when it closes, and /readyz’s check says so meanwhile', async () => {
    const port = await freePort();
    broker = new EmbeddedMqttBroker({ host: '127.0.0.1', port, access, log: pino({ level: 'silent' }) });
    const url = await broker.start();
    expect(broker.problem()).toBeNull();
    // Nothing outside the process can close it, so the test reaches in.
    (broker as unknown as { server: Server }).server.close();
    expect(broker.problem()).toMatch(/not listening/);
    await waitFor(() => broker!.problem() === null, { timeoutMs: 10_000, what: 'listening again' });
    const c = await mqtt.connectAsync(url, { username: 'appliance', password: 'pw', clientId: 'hearth-appliance-test', reconnectPeriod: 0 });
    expect(c.connected).toBe(true);
    await c.endAsync();
  });
});
