import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type MosquittoInstance } from '@hearth/testkit';
import { PI_INSTALLER, prefixRoot, runProgram } from './support.js';

let prefix: { path: string; remove(): Promise<void> };
let broker: MosquittoInstance;
const clients: MqttClient[] = [];

const secret = (name: string) => readFile(join(prefix.path, 'etc/hearth/secrets', name), 'utf8').then((s) => s.trim());

/**
 * The broker runs the configuration the Pi installer wrote: its conf.d file (minus the 1883
 * listener; testkit adds one on a free port), with paths resolved inside the prefix the way a
 * chroot would see them, and the password file mosquitto_passwd built.
 */
beforeAll(async () => {
  prefix = await prefixRoot();
  const r = await runProgram(PI_INSTALLER, ['--prefix', prefix.path, '--lan', '192.168.7.0/24', '--no-kiosk', '--agent', 'gamingpc', '--agent', 'studio']);
  expect(r.code, r.stderr).toBe(0);
  const conf = await readFile(join(prefix.path, 'etc/mosquitto/conf.d/hearth.conf'), 'utf8');
  const extraConfig = conf
    .split('\n')
    .filter((l) => !l.startsWith('listener '))
    .map((l) => l.replace(/ \/etc\//, ` ${prefix.path}/etc/`))
    .join('\n');
  expect(extraConfig).toContain('allow_anonymous false');
  broker = await startMosquitto({ extraConfig });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker?.close();
  await prefix?.remove();
});

async function connect(username: string | undefined, password: string | undefined): Promise<MqttClient> {
  const c = mqtt.connect(broker.url, { username, password, reconnectPeriod: 0, protocolVersion: 5, connectTimeout: 5000 });
  clients.push(c);
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => resolve());
    c.once('error', reject);
  });
  return c;
}

/** Publish with QoS 1 and return the broker's PUBACK reason code (MQTT 5: 135 = not authorized). */
async function publishReason(c: MqttClient, topic: string, payload: string): Promise<number> {
  try {
    const packet = await c.publishAsync(topic, payload, { qos: 1 });
    return (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
  } catch (err) {
    // mqtt.js rejects on a failure reason code and puts the code on the error.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

describe('Mosquitto users and ACL from the Pi installer', () => {
  it('refuses anonymous clients and wrong passwords', async () => {
    await expect(connect(undefined, undefined)).rejects.toThrow(/Not authorized|Bad User Name or Password/i);
    await expect(connect('agent-gamingpc', 'wrong')).rejects.toThrow(/Bad User Name or Password|Not authorized/i);
  });

  it('an agent publishes under its own id and its own discovery topics, never under another agent', async () => {
    const ha = await connect('homeassistant', await secret('mqtt-homeassistant'));
    const seen: string[] = [];
    ha.on('message', (topic, payload) => seen.push(`${topic}=${payload.toString()}`));
    await ha.subscribeAsync(['hearth/#', 'homeassistant/#'], { qos: 1 });

    const agent = await connect('agent-gamingpc', await secret('mqtt-agent-gamingpc'));
    expect(await publishReason(agent, 'hearth/agent/studio/state', 'spoofed')).toBe(135);
    expect(await publishReason(agent, 'hearth/appliance/state', 'spoofed')).toBe(135);
    expect(await publishReason(agent, 'homeassistant/sensor/hearth_studio/gpu_util/config', 'spoofed')).toBe(135);
    expect(await publishReason(agent, 'homeassistant/button/hearth_appliance/preset_1/config', 'spoofed')).toBe(135);
    expect(await publishReason(agent, 'homeassistant/status', 'online')).toBe(135);
    expect(await publishReason(agent, 'hearth/agent/gamingpc/state', 'mine')).toBe(0);
    expect(await publishReason(agent, 'homeassistant/sensor/hearth_gamingpc/gpu_util/config', 'disc')).toBe(0);

    // The allowed messages were sent after the refused ones; once they are here, the refused ones would be too.
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(2);
    expect(seen).toEqual(['hearth/agent/gamingpc/state=mine', 'homeassistant/sensor/hearth_gamingpc/gpu_util/config=disc']);
  });

  it('an agent cannot read other agents, and receives Home Assistant commands for itself', async () => {
    const agent = await connect('agent-gamingpc', await secret('mqtt-agent-gamingpc'));
    const got: string[] = [];
    agent.on('message', (topic) => got.push(topic));
    await agent.subscribeAsync(['hearth/agent/studio/#', 'hearth/agent/gamingpc/cmd/#'], { qos: 1 });

    const studio = await connect('agent-studio', await secret('mqtt-agent-studio'));
    expect(await publishReason(studio, 'hearth/agent/studio/state', 'studio-state')).toBe(0);
    const ha = await connect('homeassistant', await secret('mqtt-homeassistant'));
    expect(await publishReason(ha, 'hearth/agent/gamingpc/state', 'fake')).toBe(135);
    expect(await publishReason(ha, 'homeassistant/sensor/hearth_gamingpc/gpu_util/config', 'fake')).toBe(135);
    expect(await publishReason(ha, 'hearth/agent/gamingpc/cmd/suspend', 'PRESS')).toBe(0);

    await expect.poll(() => got, { timeout: 5000 }).toEqual(['hearth/agent/gamingpc/cmd/suspend']);
  });

  it('the appliance owns hearth/appliance/# and reads every agent', async () => {
    const appliance = await connect('appliance', await secret('mqtt-appliance'));
    const got: string[] = [];
    appliance.on('message', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await appliance.subscribeAsync('hearth/agent/+/announce', { qos: 1 });
    expect(await publishReason(appliance, 'hearth/agent/gamingpc/cmd/suspend', 'PRESS')).toBe(135);
    expect(await publishReason(appliance, 'hearth/appliance/state', '{}')).toBe(0);

    const agent = await connect('agent-studio', await secret('mqtt-agent-studio'));
    expect(await publishReason(agent, 'hearth/agent/studio/announce', 'hello')).toBe(0);
    await expect.poll(() => got, { timeout: 5000 }).toEqual(['hearth/agent/studio/announce=hello']);
  });
});
