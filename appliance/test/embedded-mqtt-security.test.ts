/**
 * The embedded MQTT broker (`npm start` without MQTT_URL) as an attacker on the LAN sees it: real
 * aedes inside a real appliance, real mqtt.js clients. Every attack from issue 12 must fail, and
 * the legitimate users (appliance, each agent, Home Assistant) keep working.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, tempDir, waitFor, type RedisInstance } from '@hearth/testkit';
import { agentTopics, applianceTopics, type AgentAnnouncement } from '@hearth/protocol';
import { startAppliance, type RunningAppliance } from '../src/server.js';
import { productCapabilities } from '../src/capabilities.js';
import type { ApplianceConfig } from '../src/config.js';
import { HttpClient } from './support/http-client.js';
import { TEST_PASSWORD } from './support/harness.js';

let redis: RedisInstance;
let data: Awaited<ReturnType<typeof tempDir>>;
let running: RunningAppliance;
let config: ApplianceConfig;
let brokerUrl: string;
let admin: HttpClient;
const clients: MqttClient[] = [];

async function deviceToken(kind: 'agent' | 'home-assistant' | 'kiosk', name: string): Promise<string> {
  const res = await admin.post('/api/admin/devices', { kind, name });
  expect(res.status, res.text).toBe(201);
  return res.json.token as string;
}

function connect(opts: { username?: string; password?: string; clientId?: string }): Promise<MqttClient> {
  const c = mqtt.connect(brokerUrl, {
    reconnectPeriod: 0,
    connectTimeout: 5000,
    clientId: opts.clientId ?? `test-${Math.random().toString(36).slice(2)}`,
    username: opts.username,
    password: opts.password,
  });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once('connect', () => resolve(c));
    c.once('error', reject);
    c.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
}

/** Publish, then wait until the broker cuts the client off (what aedes does to a publish outside the ACL). */
async function refusedPublish(c: MqttClient, topic: string, payload: string, retain = false): Promise<void> {
  const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
  c.publish(topic, payload, { qos: 1, retain }, () => undefined);
  await closed;
}

async function audit(action: string): Promise<Array<Record<string, unknown>>> {
  const res = await admin.get(`/api/admin/audit?action=${encodeURIComponent(action)}&limit=100`);
  expect(res.status, res.text).toBe(200);
  return res.json.entries as Array<Record<string, unknown>>;
}

const announcement = (agentId: string, extra: Partial<AgentAnnouncement> = {}): AgentAnnouncement => ({
  agentId,
  name: agentId,
  version: '1.0.0',
  capabilities: ['builtin'],
  macs: [],
  gpus: [],
  acceptingJobs: true,
  ...extra,
});

/** An agent as the gpu-agent signs in: `agent-<id>`, its token, client id `hearth-agent-<id>`. */
async function agent(agentId: string, token: string) {
  const c = await connect({ username: `agent-${agentId}`, password: token, clientId: `hearth-agent-${agentId}` });
  const t = agentTopics(agentId);
  await c.publishAsync(t.announce, JSON.stringify(announcement(agentId)), { qos: 1, retain: true });
  await c.publishAsync(t.availability, 'online', { qos: 1, retain: true });
  return c;
}

const agents = async () =>
  (await admin.get('/api/agents')).json.agents as Array<{ agentId: string; availability: string; capabilities: string[]; acceptingJobs: boolean }>;

beforeAll(async () => {
  redis = await startRedis();
  data = await tempDir('hearth-embedded-mqtt-');
  config = {
    host: '127.0.0.1',
    port: 0,
    dataDir: data.path,
    redisUrl: redis.url,
    mqttUrl: undefined,
    mqttHost: '127.0.0.1',
    mqttPort: await freePort(),
    trustProxy: false,
    publicUrl: undefined,
    logLevel: process.env.HEARTH_TEST_LOG ?? 'silent',
  };
  running = await startAppliance(config, { capabilities: (c, log, cfg) => productCapabilities(cfg, c, log) });
  brokerUrl = running.connections.mqttUrl;
  admin = new HttpClient(running.url);
  expect((await admin.post('/api/onboarding', { username: 'admin', displayName: 'Admin', password: TEST_PASSWORD })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await running?.stop();
  await redis?.close();
  await data?.remove();
});

describe('the embedded MQTT broker', () => {
  it('listens on loopback only and hands out no credentials in its URL', () => {
    expect(brokerUrl).toBe(`mqtt://127.0.0.1:${config.mqttPort}`);
  });

  it('refuses anonymous clients, wrong passwords, kiosk tokens and made-up users', async () => {
    await expect(connect({})).rejects.toThrow(/Bad username or password|Not authorized|closed/i);
    await expect(connect({ username: 'homeassistant', password: 'guess' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect({ username: 'appliance', password: 'guess', clientId: 'hearth-appliance-1' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    const kiosk = await deviceToken('kiosk', 'hall display');
    await expect(connect({ username: 'homeassistant', password: kiosk })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect({ username: 'agent-hall', password: kiosk, clientId: 'hearth-agent-hall' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );
    await expect(connect({ username: 'root', password: kiosk })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('Home Assistant signs in with a Home Assistant device token, reads the retained topics and drives the kiosk, audited first', async () => {
    const token = await deviceToken('home-assistant', 'Home Assistant');
    // Its token is not an agent's, nor may it take a Hearth client id.
    await expect(connect({ username: 'agent-ha', password: token, clientId: 'hearth-agent-ha' })).rejects.toThrow(/Bad username or password|Not authorized/i);
    await expect(connect({ username: 'homeassistant', password: token, clientId: 'hearth-appliance-99' })).rejects.toThrow(
      /Bad username or password|Not authorized/i,
    );

    const ha = await connect({ username: 'homeassistant', password: token });
    const state = new Promise<string>((resolve) => ha.on('message', (topic, payload) => topic === applianceTopics().state && resolve(payload.toString())));
    await ha.subscribeAsync(['hearth/#', 'homeassistant/#'], { qos: 1 });
    expect(JSON.parse(await state)).toHaveProperty('queue');

    expect((await admin.get('/api/admin/kiosk/control')).json.nightMode ?? false).toBe(false);
    await ha.publishAsync(applianceTopics().command('kiosk/night_mode'), 'ON', { qos: 1 });
    await waitFor(async () => (await admin.get('/api/admin/kiosk/control')).json.nightMode === true, { timeoutMs: 10_000, what: 'night mode on' });
    expect(await audit('kiosk.control.changed')).toEqual([expect.objectContaining({ actorKind: 'home-assistant', detail: { via: 'mqtt', nightMode: true } })]);
    await ha.publishAsync(applianceTopics().command('kiosk/night_mode'), 'OFF', { qos: 1 });
    await waitFor(async () => (await admin.get('/api/admin/kiosk/control')).json.nightMode === false, { timeoutMs: 10_000, what: 'night mode off' });

    // HA may not write an agent's state or the appliance's own topics.
    const sneaky = await connect({ username: 'homeassistant', password: token });
    await refusedPublish(sneaky, agentTopics('pc').availability, 'asleep', true);
  });

  it('an agent publishes only under its own id: no fake asleep, no accepting-jobs switch, no kiosk night mode, no preset press', async () => {
    const pcToken = await deviceToken('agent', 'family pc');
    const studioToken = await deviceToken('agent', 'studio');
    const pc = await agent('pc', pcToken);
    await agent('studio', studioToken);
    await waitFor(async () => (await agents()).filter((a) => a.availability === 'online').length === 2, { timeoutMs: 10_000, what: 'both agents online' });
    const preset = await admin.post('/api/admin/presets', { name: 'A boat', type: 'image.generate', input: { prompt: 'a boat', width: 512, height: 512 } });
    expect(preset.status, preset.text).toBe(201);
    const presetId = preset.json.id as number;
    const jobsBefore = (await admin.get('/api/jobs?limit=100')).json;

    // Each attack from a signed-in agent gets it cut off, and the message goes nowhere.
    for (const [topic, payload] of [
      [agentTopics('studio').availability, 'asleep'],
      [agentTopics('studio').command('accepting'), 'OFF'],
      [applianceTopics().command('kiosk/night_mode'), 'ON'],
      [applianceTopics().command(`preset/${presetId}`), 'PRESS'],
      [applianceTopics().availability, 'offline'],
      ['homeassistant/status', 'online'],
    ] as const) {
      const attacker = await connect({ username: 'agent-pc', password: pcToken, clientId: 'hearth-agent-pc' });
      await refusedPublish(attacker, topic, payload, topic.endsWith('availability'));
    }
    // It cannot read another agent's topics either: the subscription is refused.
    const reader = await connect({ username: 'agent-pc', password: pcToken, clientId: 'hearth-agent-pc' });
    await expect(reader.subscribeAsync(`${agentTopics('studio').base}/#`, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(reader.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect((await reader.subscribeAsync(agentTopics('pc').command('+'), { qos: 1 })).map((g) => g.qos)).toEqual([1]);

    // A legitimate change after the attacks: once the appliance has it, it would have had the attacks too.
    const studio = await agent('studio', studioToken);
    await studio.publishAsync(agentTopics('studio').state, JSON.stringify({ accepting: true }), { qos: 1, retain: true });
    await waitFor(async () => (await agents()).find((a) => a.agentId === 'studio')?.acceptingJobs === true, { timeoutMs: 10_000 });
    const list = await agents();
    expect(list.find((a) => a.agentId === 'studio')).toMatchObject({ availability: 'online', acceptingJobs: true });
    expect((await admin.get('/api/admin/kiosk/control')).json.nightMode ?? false).toBe(false);
    expect((await admin.get('/api/jobs?limit=100')).json).toEqual(jobsBefore);
    expect(await audit('presets.run')).toEqual([]);
    await pc.endAsync();
  });

  it('a fake agent with ComfyUI and a MAC neither joins the Wake-on-LAN targets nor pulls a waiting job', async () => {
    // No real computer has offered ComfyUI: the admin lets such jobs wait (else they are refused).
    expect((await admin.put('/api/admin/settings/job-waiting', { queueWithoutComputer: true })).status).toBe(200);
    const job = await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a lighthouse at dusk' } });
    expect(job.status, job.text).toBe(201);
    await waitFor(async () => (await admin.get(`/api/jobs/${job.json.id}`)).json.status === 'waiting_for_gpu', {
      timeoutMs: 10_000,
      what: 'the job waits for a GPU',
    });

    const fake = announcement('gpu-rig', { capabilities: ['comfyui', 'llm', 'builtin'], macs: ['de:ad:be:ef:00:01'] });
    // Anonymous: not even connected. With another agent's token: refused, the token is bound to "pc".
    await expect(connect({ clientId: 'hearth-agent-gpu-rig' })).rejects.toThrow();
    const pcToken = await deviceToken('agent', 'second pc token');
    const pc2 = await connect({ username: 'agent-pc', password: pcToken, clientId: 'hearth-agent-pc' }).catch((err: Error) => err);
    expect(pc2).toBeInstanceOf(Error); // "pc" belongs to the first live token
    const bound = await deviceToken('agent', 'rig');
    const rigAsPc = await connect({ username: 'agent-pc', password: bound, clientId: 'hearth-agent-pc' }).catch((err: Error) => err);
    expect(rigAsPc).toBeInstanceOf(Error);
    // A signed-in agent announcing for another id: refused by the ACL.
    const studioToken = await deviceToken('agent', 'studio 2');
    const liar = await connect({ username: 'agent-lab', password: studioToken, clientId: 'hearth-agent-lab' });
    await refusedPublish(liar, agentTopics('gpu-rig').announce, JSON.stringify(fake), true);
    // The same token is now bound to "lab": it cannot come back as "gpu-rig".
    await expect(connect({ username: 'agent-gpu-rig', password: studioToken, clientId: 'hearth-agent-gpu-rig' })).rejects.toThrow();

    // A later legitimate announcement arrives; the fake one never did.
    const lab = await agent('lab', studioToken);
    await waitFor(async () => (await agents()).some((a) => a.agentId === 'lab'), { timeoutMs: 10_000 });
    expect((await agents()).map((a) => a.agentId)).not.toContain('gpu-rig');
    expect(running.app.agents.macs()).not.toContain('de:ad:be:ef:00:01');
    expect((await admin.get(`/api/jobs/${job.json.id}`)).json.status).toBe('waiting_for_gpu');
    await lab.endAsync();
  });

  it('Home Assistant’s commands to an agent are audited before the agent gets them', async () => {
    const haToken = await deviceToken('home-assistant', 'HA for agents');
    const token = await deviceToken('agent', 'office pc');
    const office = await agent('office', token);
    const got: string[] = [];
    office.on('message', (topic, payload) => got.push(`${topic}=${payload.toString()}`));
    await office.subscribeAsync(agentTopics('office').command('+'), { qos: 1 });
    const ha = await connect({ username: 'homeassistant', password: haToken });
    await ha.publishAsync(agentTopics('office').command('accepting'), 'OFF', { qos: 1 });
    await waitFor(() => got.length === 1, { timeoutMs: 10_000 });
    expect(got).toEqual(['hearth/agent/office/cmd/accepting=OFF']);
    expect(await audit('agent.command')).toEqual([
      expect.objectContaining({
        actorKind: 'home-assistant',
        actorName: 'HA for agents',
        target: 'agent:office',
        detail: { via: 'mqtt', command: 'accepting', payload: 'OFF' },
      }),
    ]);
  });
});

describe('revoking a device in the portal', () => {
  it('ends its MQTT session at once and refuses it afterwards', async () => {
    const made = await admin.post('/api/admin/devices', { kind: 'home-assistant', name: 'HA to revoke' });
    expect(made.status, made.text).toBe(201);
    const ha = await connect({ username: 'homeassistant', password: made.json.token as string });
    const gone = new Promise<void>((resolve) => ha.once('close', () => resolve()));
    expect((await admin.delete(`/api/admin/devices/${made.json.device.id as number}`)).status).toBe(204);
    await gone;
    await expect(connect({ username: 'homeassistant', password: made.json.token as string })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });
});
