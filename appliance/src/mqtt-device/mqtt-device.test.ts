import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAppliance, type TestAppliance } from '../../test/support/harness.js';
import type { HttpClient } from '../../test/support/http-client.js';
import { jobCapabilities } from '../jobs/capabilities.js';
import { kioskFeedPlugin } from '../kiosk-feed/index.js';
import { mqttDevicePlugin } from './plugin.js';

/**
 * The appliance's MQTT device on a real Mosquitto (Home Assistant's side is in
 * ha-integration/test/appliance-in-ha.test.ts): cleanup across restarts, HA's birth message,
 * the discovery form, availability on a clean stop.
 */

interface Seen {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Everything retained under `filter` right now. */
async function retained(url: string, filter: string): Promise<Map<string, string>> {
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const out = new Map<string, string>();
  c.on('message', (topic, payload, packet) => {
    if (packet.retain) out.set(topic, payload.toString());
  });
  await c.subscribeAsync(filter, { qos: 1 });
  await new Promise((r) => setTimeout(r, 300));
  await c.endAsync();
  return out;
}

describe('the appliance as an MQTT device', () => {
  let t: TestAppliance;
  let admin: HttpClient;
  let observer: MqttClient;
  const seen: Seen[] = [];
  const configTopics = async () => [...(await retained(t.mosquitto.url, 'homeassistant/#')).keys()].filter((k) => k.includes('hearth_appliance')).sort();

  beforeAll(async () => {
    t = await startTestAppliance({
      capabilities: (connections, log, config) => [
        ...jobCapabilities({ dataDir: config.dataDir, version: 'test-1', connections, log }),
        async (app) => {
          await app.register(kioskFeedPlugin, { version: 'test-1', publicUrl: undefined });
        },
        // A slow poll: discovery changes below come only from (re)connects and HA's birth message.
        async (app) => {
          await app.register(mqttDevicePlugin, { mqtt: connections.mqtt, log, version: 'test-1', announceJitterMs: 200, pollMs: 600_000 });
        },
      ],
    });
    admin = await t.admin();
    observer = await mqtt.connectAsync(t.mosquitto.url, { clientId: 'mqtt-device-observer' });
    observer.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString(), retain: packet.retain }));
    await observer.subscribeAsync(['homeassistant/+/hearth_appliance/+/config', 'homeassistant/device/hearth_appliance/config', 'hearth/appliance/#'], {
      qos: 1,
    });
  });

  afterAll(async () => {
    await observer?.endAsync();
    await t?.close();
  });

  it('announces availability, discovery and state', async () => {
    await waitFor(async () => (await configTopics()).length === 12, { what: '12 configs (two more queues: speech, video)' });
    const hearth = await retained(t.mosquitto.url, 'hearth/appliance/#');
    expect(hearth.get('hearth/appliance/availability')).toBe('online');
    expect(JSON.parse(hearth.get('hearth/appliance/state')!)).toEqual({
      queue: { builtin: 0, comfyui: 0, llm: 0, speech: 0, video: 0 },
      running: { builtin: 0, comfyui: 0, llm: 0, speech: 0, video: 0 },
      jobs_waiting_for_gpu: 0,
      agents_online: 0,
      kiosk_night_mode: false,
      kiosk_page: 'home',
      kiosk_screen: true,
      kiosk_mode: 'awake',
    });
  });

  it('HA’s screen switch darkens the wall and its wake button lights it again, each audited first', async () => {
    const state = async () => JSON.parse((await retained(t.mosquitto.url, 'hearth/appliance/state')).get('hearth/appliance/state')!);
    await observer.publishAsync('hearth/appliance/cmd/kiosk/screen', 'OFF', { qos: 1 });
    await waitFor(async () => (await state()).kiosk_screen === false, { what: 'screen off in the state' });
    expect((await state()).kiosk_mode).toBe('off');
    expect((await admin.get('/api/admin/kiosk/presence')).json.mode).toBe('off');
    await observer.publishAsync('hearth/appliance/cmd/kiosk/wake', 'PRESS', { qos: 1 });
    await waitFor(async () => (await state()).kiosk_screen === true, { what: 'screen on again' });
    // A bad payload changes nothing.
    await observer.publishAsync('hearth/appliance/cmd/kiosk/screen', 'off', { qos: 1 });
    const audit = await admin.get('/api/admin/audit?action=kiosk.');
    expect(audit.text).toContain('kiosk.screen');
    expect(audit.text).toContain('kiosk.wake');
    expect((await admin.get('/api/admin/kiosk/presence')).json.mode).toBe('awake');
  });

  it('clears the button of a preset deleted while the appliance was down', async () => {
    const keep = await admin.post('/api/admin/presets', { name: 'Keep', type: 'image.generate', input: { prompt: 'a boat', width: 512, height: 512 } });
    const drop = await admin.post('/api/admin/presets', { name: 'Drop', type: 'image.generate', input: { prompt: 'a car', width: 512, height: 512 } });
    expect([keep.status, drop.status], `${keep.text} ${drop.text}`).toEqual([201, 201]);
    await t.restart();
    const button = (id: number) => `homeassistant/button/hearth_appliance/hearth_preset_${id}/config`;
    await waitFor(async () => (await configTopics()).includes(button(drop.json.id)), { what: 'both buttons published' });
    // Gone from the table without the API (a restore, a hand edit): only the record knows it was published.
    t.running.app.db.prepare('DELETE FROM presets WHERE id = ?').run(drop.json.id);
    await t.restart();
    await waitFor(async () => !(await configTopics()).includes(button(drop.json.id)), { what: 'the stale button cleared' });
    expect(await configTopics()).toContain(button(keep.json.id));
  });

  it('re-publishes discovery, availability and state when Home Assistant says online', async () => {
    await waitFor(async () => (await configTopics()).length === 13, { what: 'settled discovery' });
    const from = seen.length;
    await observer.publishAsync('homeassistant/status', 'online', { qos: 1 });
    const live = () => seen.slice(from).filter((m) => !m.retain);
    await waitFor(() => live().filter((m) => m.topic.endsWith('/config')).length > 10, { what: 're-announced configs' });
    await waitFor(() => live().some((m) => m.topic === 'hearth/appliance/availability' && m.payload === 'online'), { what: 'availability' });
    await waitFor(() => live().some((m) => m.topic === 'hearth/appliance/state'), { what: 'state' });
  });

  it('device-based discovery when an admin asks for it, announced to agents; switching back clears it', async () => {
    // No Home Assistant link here, so `auto` cannot know HA reads device-based discovery.
    expect((await admin.get('/api/admin/mqtt-device')).json).toEqual({ discoveryMode: 'auto', activeMode: 'component', haVersion: null });
    const choice = async () => JSON.parse((await retained(t.mosquitto.url, 'hearth/appliance/ha-discovery')).get('hearth/appliance/ha-discovery') ?? 'null');
    expect(await choice()).toEqual({ mode: 'component', haVersion: null });
    const bad = await admin.put('/api/admin/mqtt-device', { discoveryMode: 'sideways' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('discoveryMode');
    const put = await admin.put('/api/admin/mqtt-device', { discoveryMode: 'device' });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toEqual({ discoveryMode: 'device', activeMode: 'device', haVersion: null });
    await waitFor(async () => (await choice())?.mode === 'device', { what: 'the retained choice for agents' });
    await waitFor(async () => (await configTopics()).join() === 'homeassistant/device/hearth_appliance/config', { what: 'one device config' });
    const payload = JSON.parse(
      (await retained(t.mosquitto.url, 'homeassistant/device/hearth_appliance/config')).get('homeassistant/device/hearth_appliance/config')!,
    );
    expect(payload.dev).toMatchObject({ identifiers: ['hearth_appliance'], model: 'Hearth appliance' });
    expect(payload.cmps.hearth_kiosk_night_mode).toMatchObject({ p: 'switch', default_entity_id: 'switch.hearth_kiosk_night_mode' });
    // Kept across a restart (settings).
    await t.restart();
    expect((await admin.get('/api/admin/mqtt-device')).json).toMatchObject({ discoveryMode: 'device', activeMode: 'device' });

    expect((await admin.put('/api/admin/mqtt-device', { discoveryMode: 'auto' })).status).toBe(200);
    await waitFor(async () => (await configTopics()).length === 13 && !(await configTopics()).some((k) => k.includes('/device/')), {
      what: 'per-component configs again',
    });
  });

  it('a clean stop says offline (no will is sent then); the start says online', async () => {
    const from = seen.length;
    await t.restart();
    const availability = () =>
      seen
        .slice(from)
        .filter((m) => m.topic === 'hearth/appliance/availability')
        .map((m) => m.payload);
    await waitFor(() => availability().join() === 'offline,online', { what: `offline then online, got ${availability().join()}` });
  });
});
