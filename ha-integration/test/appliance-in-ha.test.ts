import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startMosquitto, tempDir, waitFor, type MosquittoInstance } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
// The real appliance (every product capability, as `npm start` runs it) and the real agent process.
import { letJobsWaitForAComputer, startTestAppliance, type TestAppliance } from '../../appliance/test/support/harness.js';
import type { HttpClient } from '../../appliance/test/support/http-client.js';
import { deviceClient, png, uploadForm } from '../../appliance/test/jobs-fixtures.js';
import { REPO_ROOT } from '../../gpu-agent/test/fixtures.js';
import { retained, startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';

/**
 * The appliance as an MQTT device in a real Home Assistant (each supported version): queue sensors, preset buttons
 * that start jobs owned by the home-assistant principal (run by a real agent), kiosk controls, and
 * commands that are garbage.
 */

const applianceVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'appliance/package.json'), 'utf8')) as { version: string }).version;
const HA_PRINCIPAL = 'Home Assistant (MQTT)';

interface JobView {
  id: string;
  type: string;
  status: string;
  presetId: number | null;
  ownerId: number | null;
  ownerName: string;
}
interface AuditEntry {
  action: string;
  actorKind: string;
  actorName: string | null;
  target: string | null;
  outcome: string;
  detail: Record<string, unknown> | null;
}
interface DeviceEntry {
  id: string;
  identifiers: Array<[string, string]>;
  name: string;
  model: string | null;
  sw_version: string | null;
  manufacturer: string | null;
}

describe.each(testedHaVersions())('the appliance in a real Home Assistant %s', (version) => {
  let broker: MosquittoInstance;
  let ha: HomeAssistant;
  let t: TestAppliance;
  let admin: HttpClient;
  let client: MqttClient;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: AgentProcess | undefined;
  let photoId: string;
  let presetId: number;

  const count = (objectId: string, value: number) => ha.waitForState(`sensor.${objectId}`, (s) => s.state === String(value), 30_000);
  const jobs = async (): Promise<JobView[]> => (await admin.get('/api/jobs?scope=all&limit=100')).json.jobs;
  const presetJobs = async () => (await jobs()).filter((j) => j.presetId === presetId);
  const audit = async (action: string): Promise<AuditEntry[]> =>
    (await admin.get(`/api/admin/audit?action=${encodeURIComponent(action)}&limit=200`)).json.entries;
  const kiosk = () => t.running.app.kioskControl.get();
  const command = (sub: string, payload: string | Buffer, retain = false) => client.publishAsync(`hearth/appliance/cmd/${sub}`, payload, { qos: 1, retain });

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await tempDir('hearth-appliance-in-ha-');
    const started = Date.now();
    ha = await startHomeAssistant({ version, mqttPort: broker.port });
    console.info(`Home Assistant started in ${Date.now() - started} ms`);
    t = await startTestAppliance({ product: true, mosquitto: broker });
    // No computer has joined yet: jobs wait for one (the admin setting) instead of being refused.
    await letJobsWaitForAComputer(t);
    admin = await t.admin();
    client = await mqtt.connectAsync(broker.url, { clientId: 'hearth-appliance-in-ha-test' });
  });

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await client?.endAsync();
    await t?.close();
    await ha?.stop();
    await broker?.close();
    await dir?.remove();
  });

  it('its entities appear with classes, units and states, on a device with model and version', async () => {
    for (const cap of ['builtin', 'comfyui', 'llm']) {
      const queue = await count(`hearth_queue_${cap}`, 0);
      expect(queue.attributes).toMatchObject({ unit_of_measurement: 'jobs', state_class: 'measurement', friendly_name: `Hearth Queue ${cap}` });
    }
    expect((await count('hearth_jobs_waiting_for_gpu', 0)).attributes).toMatchObject({
      unit_of_measurement: 'jobs',
      friendly_name: 'Hearth Jobs waiting for GPU',
    });
    expect((await count('hearth_agents_online', 0)).attributes).toMatchObject({ unit_of_measurement: 'agents', state_class: 'measurement' });
    expect((await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'off')).attributes.friendly_name).toBe('Hearth Kiosk night mode');
    const page = await ha.waitForState('select.hearth_kiosk_page', (s) => s.state === 'home');
    expect(page.attributes.options).toEqual(['home', 'photos']);

    const devices = await ha.sendWs<DeviceEntry[]>({ type: 'config/device_registry/list' });
    expect(devices.find((d) => d.identifiers.some(([domain, id]) => domain === 'mqtt' && id === 'hearth_appliance'))).toMatchObject({
      name: 'Hearth',
      manufacturer: 'Hearth',
      model: 'Hearth appliance',
      sw_version: applianceVersion,
    });
    // The principal that will own HA's preset jobs exists from the start (admins can see and revoke it).
    const listed = (await admin.get('/api/admin/devices')).json.devices as Array<{ kind: string; name: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ kind: 'home-assistant', name: HA_PRINCIPAL }));
    expect((await audit('device.created')).filter((e) => e.detail?.name === HA_PRINCIPAL)).toHaveLength(1);
  });

  it('linked to HA over the websocket, it learns the version and picks the form; a switch keeps every entity id, with no duplicate and no orphan', async () => {
    const registry = () => ha.sendWs<Array<{ entity_id: string; device_id: string | null; unique_id: string }>>({ type: 'config/entity_registry/list' });
    const applianceDevices = async () =>
      (await ha.sendWs<DeviceEntry[]>({ type: 'config/device_registry/list' })).filter((d) => d.identifiers.some(([, id]) => id === 'hearth_appliance'));
    const [device] = await applianceDevices();
    const before = (await registry())
      .filter((e) => e.device_id === device!.id)
      .map((e) => e.entity_id)
      .sort();
    expect(before).toContain('sensor.hearth_queue_builtin');
    expect((await admin.get('/api/admin/mqtt-device')).json).toEqual({ discoveryMode: 'auto', activeMode: 'component', haVersion: null });

    const set = await admin.put('/api/admin/home-assistant', { url: ha.url, token: ha.token });
    expect(set.status, set.text).toBe(200);
    const expected = version === '2024.3.3' ? 'component' : 'device';
    await waitFor(async () => (await admin.get('/api/admin/mqtt-device')).json.haVersion === version, {
      timeoutMs: 30_000,
      what: 'the HA version learned over the link',
    });
    expect((await admin.get('/api/admin/mqtt-device')).json).toEqual({ discoveryMode: 'auto', activeMode: expected, haVersion: version });
    const configs = async () => [...(await retained(broker.url, 'homeassistant/#')).keys()].filter((k) => k.includes('hearth_appliance'));
    if (expected === 'device') {
      await waitFor(async () => (await configs()).join() === 'homeassistant/device/hearth_appliance/config', {
        timeoutMs: 15_000,
        what: 'only the device config retained',
      });
    } else {
      expect((await configs()).length).toBe(before.length);
    }
    // HA settles on the same entities under the same ids, on one device, every one of them now
    // discovered from the chosen form's topics (MQTT's debug info names each entity's topic).
    const wantedTopic =
      expected === 'device'
        ? /^homeassistant\/device\/hearth_appliance\/config$/
        : /^homeassistant\/(sensor|button|switch|select)\/hearth_appliance\/[a-z0-9_]+\/config$/;
    await waitFor(
      async () => {
        const devices = await applianceDevices();
        if (devices.length !== 1) return false;
        const now = (await registry())
          .filter((e) => e.device_id === devices[0]!.id)
          .map((e) => e.entity_id)
          .sort();
        if (JSON.stringify(now) !== JSON.stringify(before)) return false;
        const debug = await ha.sendWs<{ entities: Array<{ entity_id: string; discovery_data: { topic: string } }> }>({
          type: 'mqtt/device/debug_info',
          device_id: devices[0]!.id,
        });
        return debug.entities.length === before.length && debug.entities.every((e) => wantedTopic.test(e.discovery_data.topic));
      },
      { timeoutMs: 30_000, what: `the same ${before.length} entity ids on one device, discovered in ${expected} form` },
    );
    expect((await registry()).filter((e) => e.entity_id.startsWith('sensor.hearth_queue_builtin'))).toHaveLength(1);
    await count('hearth_queue_builtin', 0);
  });

  it('queue depth and waiting-for-GPU follow jobs queued while no agent serves them', async () => {
    const up = await admin.post('/api/media', uploadForm(await png(64, 48)));
    expect(up.status, up.text).toBe(201);
    photoId = up.json.id;
    // Every upload is moderated: a builtin job that waits, as no agent is online.
    await count('hearth_queue_builtin', 1);
    const generate = await admin.post('/api/jobs', { type: 'image.generate', input: { prompt: 'a lighthouse at dusk', width: 512, height: 512 } });
    expect(generate.status, generate.text).toBe(201);
    await count('hearth_queue_comfyui', 1);
    await count('hearth_jobs_waiting_for_gpu', 2);
    expect((await ha.getState('sensor.hearth_queue_llm'))!.state).toBe('0');
    expect((await jobs()).map((j) => j.status)).toEqual(['waiting_for_gpu', 'waiting_for_gpu']);
  });

  it('a preset made in the portal appears as a button', async () => {
    const res = await admin.post('/api/admin/presets', { name: 'Check the photo', type: 'image.moderate', input: { mediaId: photoId } });
    expect(res.status, res.text).toBe(201);
    presetId = res.json.id;
    const button = await ha.waitForState(`button.hearth_preset_${presetId}`, (s) => s.state === 'unknown', 15_000);
    expect(button.attributes.friendly_name).toBe('Hearth Preset Check the photo');
  });

  it('pressing it in HA enqueues a job owned by the home-assistant principal', async () => {
    await ha.callService('button', 'press', { entity_id: `button.hearth_preset_${presetId}` });
    const [job] = await waitFor(async () => ((await presetJobs()).length ? presetJobs() : null), { timeoutMs: 10_000, what: 'the preset job' });
    expect(job).toMatchObject({ type: 'image.moderate', ownerName: HA_PRINCIPAL, ownerId: null, status: 'waiting_for_gpu' });
    await count('hearth_queue_builtin', 2);
    await count('hearth_jobs_waiting_for_gpu', 3);
    const runs = await audit('presets.run');
    expect(runs[0]).toMatchObject({
      actorKind: 'home-assistant',
      actorName: HA_PRINCIPAL,
      target: `preset:${presetId}`,
      outcome: 'ok',
      detail: { via: 'mqtt', preset: presetId },
    });
  });

  it('garbage commands are ignored, the appliance stays up, and a valid command after them works', async () => {
    const before = (await jobs()).length;
    await command(`preset/${presetId}`, 'yes please');
    await command(`preset/${presetId}`, Buffer.from([0, 255, 1, 2]));
    await command('preset/999999', 'PRESS');
    await command('preset/-1', 'PRESS');
    await command('kiosk/night_mode', 'maybe');
    await command('kiosk/night_mode', JSON.stringify({ on: true }));
    await command('kiosk/page', 'settings');
    await command('kiosk/page', 'x'.repeat(100_000));
    await command('format-disk', 'PRESS');
    await client.publishAsync('homeassistant/status', '\u0000garbage', { qos: 1 });
    // Same client, same subscriber, QoS 1: this arrives after all of the above.
    await command('kiosk/page', 'photos');
    await waitFor(() => kiosk().page === 'photos', { what: 'the valid page command' });
    await ha.waitForState('select.hearth_kiosk_page', (s) => s.state === 'photos');

    expect(kiosk().nightMode).toBe(false);
    expect((await jobs()).length).toBe(before);
    expect((await admin.get('/healthz')).status).toBe(200);
    // A press for a preset that does not exist is refused and written down.
    const failed = await waitFor(async () => (await audit('presets.run')).find((e) => e.outcome === 'failed'), { what: 'the failed press in the audit log' });
    expect(failed).toMatchObject({ actorKind: 'home-assistant', target: 'preset:999999' });
    expect((await ha.getState('switch.hearth_kiosk_night_mode'))!.state).toBe('off');
  });

  it('kiosk controls: HA drives app.kioskControl, and changes made in the appliance show in HA', async () => {
    await ha.callService('switch', 'turn_on', { entity_id: 'switch.hearth_kiosk_night_mode' });
    await waitFor(() => kiosk().nightMode === true, { what: 'night mode on' });
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'on');

    await ha.callService('select', 'select_option', { entity_id: 'select.hearth_kiosk_page', option: 'home' });
    await waitFor(() => kiosk().page === 'home', { what: 'page home' });

    await t.running.app.kioskControl.set({ nightMode: false });
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'off');
    expect(kiosk()).toEqual({ nightMode: false, page: 'home' });
  });

  it('kiosk screen: HA’s switch darkens the wall and reports it, the wake button lights it, the mode sensor follows', async () => {
    const presence = () => t.running.app.kioskPresence.get();
    await ha.waitForState('switch.hearth_kiosk_screen', (s) => s.state === 'on');
    await ha.callService('switch', 'turn_off', { entity_id: 'switch.hearth_kiosk_screen' });
    await waitFor(() => presence().mode === 'off', { what: 'the wall dark' });
    await ha.waitForState('switch.hearth_kiosk_screen', (s) => s.state === 'off');
    await ha.waitForState('sensor.hearth_kiosk_mode', (s) => s.state === 'off');
    await ha.callService('button', 'press', { entity_id: 'button.hearth_kiosk_wake' });
    await waitFor(() => presence().mode === 'awake', { what: 'the wall awake' });
    await ha.waitForState('switch.hearth_kiosk_screen', (s) => s.state === 'on');
    expect((await audit('kiosk.screen')).some((e) => e.actorKind === 'home-assistant')).toBe(true);
    expect((await audit('kiosk.wake')).some((e) => e.actorKind === 'home-assistant')).toBe(true);
  });

  it('a real agent with the builtin runners comes online and runs the preset job; the sensors follow', async () => {
    const token = (await deviceClient(t, admin, 'agent')).bearer!;
    agent = startAgent({
      AGENT_ID: 'pc',
      MQTT_URL: broker.url,
      REDIS_URL: t.redis.url,
      APPLIANCE_URL: t.url,
      AGENT_TOKEN: token,
      AGENT_DATA_DIR: join(dir.path, 'agent'),
      NVIDIA_SMI: join(dir.path, 'no-nvidia-smi'),
      LOG_LEVEL: 'info',
    });
    // A cold agent start (TensorFlow.js models load first) on a loaded machine can take a while.
    await ha.waitForState('sensor.hearth_agents_online', (s) => s.state === '1', 120_000);
    // The agent follows the appliance's choice of form; its entities keep their documented ids.
    await ha.waitForState('sensor.hearth_pc_power_state', (s) => s.state === 'online', 60_000);
    // No nvidia-smi on this PC: the telemetry sensor says so with its own value, and stays available.
    const telemetry = await ha.waitForState('sensor.hearth_pc_gpu_telemetry', (s) => s.state === 'no_nvidia_smi');
    // MQTT enum sensors take their options from discovery since HA 2024.9.
    if (version !== '2024.3.3') expect(telemetry.attributes.options).toContain('no_nvidia_smi');
    const agentConfigs = [...(await retained(broker.url, 'homeassistant/#')).keys()].filter((k) => k.includes('hearth_pc'));
    if (version === '2024.3.3') expect(agentConfigs.length).toBeGreaterThan(5);
    else expect(agentConfigs).toEqual(['homeassistant/device/hearth_pc/config']);
    const [job] = await waitFor(
      async () => {
        const found = await presetJobs();
        return found[0]?.status === 'succeeded' ? found : null;
      },
      { timeoutMs: 120_000, intervalMs: 250, what: 'the preset job to succeed' },
    );
    expect(job).toMatchObject({ ownerName: HA_PRINCIPAL, status: 'succeeded' });
    await count('hearth_queue_builtin', 0);
    // The comfyui job still has no agent that serves it.
    await count('hearth_queue_comfyui', 1);
    await count('hearth_jobs_waiting_for_gpu', 1);
    expect(agent.child.exitCode).toBeNull();
  });

  it('a dropped connection: the will makes the entities unavailable, the reconnect makes them available; a retained press is never acted on', async () => {
    const before = (await presetJobs()).length;
    // Cut the socket under the appliance's MQTT client, as a crash or a network fault would.
    t.running.connections.mqtt.stream.destroy();
    // While it is away (it reconnects after 2 s), someone leaves a retained press: on resubscribe it arrives
    // flagged retained, and acting on it would start a job on every reconnect.
    await command(`preset/${presetId}`, 'PRESS', true);
    try {
      await ha.waitForState('sensor.hearth_queue_builtin', (s) => s.state === 'unavailable', 15_000);
      await ha.waitForState('sensor.hearth_queue_builtin', (s) => s.state === '0', 15_000);
      expect((await ha.getState('select.hearth_kiosk_page'))!.state).toBe('home');
      // It was received (refused, in the audit log) and not acted on.
      const refused = await waitFor(async () => (await audit('presets.run')).find((e) => e.outcome === 'denied'), { what: 'the refused retained press' });
      expect(refused).toMatchObject({ actorKind: 'home-assistant', target: `preset:${presetId}`, detail: { via: 'mqtt', reason: 'retained command' } });
      await command('kiosk/page', 'photos');
      await waitFor(() => kiosk().page === 'photos', { what: 'page photos after the reconnect' });
      expect((await presetJobs()).length).toBe(before);
    } finally {
      await command(`preset/${presetId}`, '', true);
    }
  });

  it('deleting the preset removes its button from HA and clears its retained config', async () => {
    expect((await admin.delete(`/api/admin/presets/${presetId}`)).status).toBe(204);
    await waitFor(async () => (await ha.getState(`button.hearth_preset_${presetId}`)) === null, { timeoutMs: 15_000, what: 'the button gone' });
    const entities = await ha.sendWs<Array<{ entity_id: string }>>({ type: 'config/entity_registry/list' });
    expect(entities.map((e) => e.entity_id)).not.toContain(`button.hearth_preset_${presetId}`);
    expect(entities.map((e) => e.entity_id)).toContain('sensor.hearth_queue_builtin');
  });
});
