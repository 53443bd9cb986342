import { createSocket, type Socket } from 'node:dgram';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { startMosquitto, waitFor, type MosquittoInstance } from '@hearth/testkit';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hearthBlueprints, hearthPackage, problemLogLines, startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
import { AUTOMATION_IDS, blueprintAutomations, type WakeTarget } from './blueprint-instances.js';
import {
  agentDiscovery,
  agentState,
  agentTopics,
  applianceDiscovery,
  applianceTopics,
  initialApplianceState,
  publishApplianceState,
  publishDiscovery,
  publishJson,
  type ApplianceState,
} from './hearth-devices.js';

const MAC = '3c:7c:3f:12:34:56';
const dashboardFile = fileURLToPath(new URL('../dashboards/hearth.yaml', import.meta.url));
const integrationDir = fileURLToPath(new URL('../', import.meta.url));
/** `domain.hearth_…` ids written in a YAML file (templates, cards, targets). */
const ENTITY_ID = /\b(?:sensor|binary_sensor|button|switch|select|event|input_number|input_boolean|script|automation|light|number)\.hearth_[a-z0-9_]+/g;
/** Registers Hearth's dashboard the way README.md tells users to. */
const lovelaceYaml = `lovelace:
  dashboards:
    hearth-gpu:
      mode: yaml
      title: Hearth
      icon: mdi:fireplace
      filename: dashboards/hearth.yaml
`;

/** Every entity id a Lovelace config refers to (cards, rows, nested stacks). */
function referencedEntities(node: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((n) => referencedEntities(n, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'entity' && typeof value === 'string') out.add(value);
      else if (key === 'entities' && Array.isArray(value)) value.forEach((v) => (typeof v === 'string' ? out.add(v) : referencedEntities(v, out)));
      else referencedEntities(value, out);
    }
  }
  return out;
}
const appliance = applianceTopics();
const pc = agentTopics('pc');

function magicPacket(mac: string): Buffer {
  const bytes = Buffer.from(mac.split(':').map((h) => parseInt(h, 16)));
  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => bytes)]);
}

/** HA runs in UTC (configuration.yaml); a time trigger takes HH:MM:SS. */
function utcTime(msFromNow: number): string {
  return new Date(Date.now() + msFromNow).toISOString().slice(11, 19);
}

describe.each(testedHaVersions())('Hearth blueprints and package running in a real Home Assistant %s', (version) => {
  let broker: MosquittoInstance;
  let ha: HomeAssistant;
  let client: MqttClient;
  let udp: Socket;
  let wake: WakeTarget;
  const packets: Buffer[] = [];
  const applianceState = initialApplianceState();

  async function setAppliance(patch: Partial<ApplianceState>) {
    Object.assign(applianceState, patch);
    await publishApplianceState(client, applianceState);
  }
  const setWaiting = (n: number) => setAppliance({ jobsWaitingForGpu: n });

  beforeAll(async () => {
    udp = createSocket('udp4');
    udp.on('message', (msg) => packets.push(msg));
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    wake = { mac: MAC, address: '127.0.0.1', port: udp.address().port };

    broker = await startMosquitto();
    client = await mqtt.connectAsync(broker.url, { clientId: 'hearth-blueprint-test' });
    // The appliance and the agent were there before HA: retained discovery and state.
    await publishDiscovery(client, applianceDiscovery(), version);
    await publishDiscovery(client, agentDiscovery('pc'), version);
    await setAppliance({});
    await client.publishAsync(appliance.availability, 'online', { retain: true, qos: 1 });
    await client.publishAsync(pc.availability, 'online', { retain: true, qos: 1 });
    await publishJson(client, pc.state, agentState(null));

    ha = await startHomeAssistant({
      version,
      mqttPort: broker.port,
      packages: await hearthPackage(),
      automations: blueprintAutomations(wake),
      extraYaml: lovelaceYaml,
      configFiles: { 'dashboards/hearth.yaml': await readFile(dashboardFile, 'utf8') },
    });
    await ha.waitForState('sensor.hearth_jobs_waiting_for_gpu', (s) => s.state === '0');
  });

  afterAll(async () => {
    await client?.endAsync();
    await ha?.stop();
    await broker?.close();
    udp?.close();
  });

  beforeEach(() => {
    packets.length = 0;
  });

  it('instantiates every blueprint into a working automation, with nothing logged against them', async () => {
    for (const entityId of Object.values(AUTOMATION_IDS)) {
      const state = await ha.getState(entityId);
      expect(state?.state, entityId).toBe('on');
    }
    expect(ha.logs()).not.toMatch(/Blueprint .* (generated invalid|failed to generate) automation|Failed to generate automation from blueprint/);
    expect(problemLogLines(ha.logs())).toEqual([]);
  });

  it('wake_gpu_pc: jobs waiting 0 -> 2 sends a magic packet to the PC', async () => {
    const wakeId = AUTOMATION_IDS['automation/hearth/wake_gpu_pc.yaml'];
    expect(await ha.runAutomation(wakeId)).toBe('failed_conditions');
    expect(packets).toEqual([]); // nothing while no job waits
    await setWaiting(2);
    const [packet] = await waitFor(() => (packets.length ? packets : undefined), { timeoutMs: 20_000, what: 'a magic packet' });
    expect(packet!.length).toBe(102);
    expect(packet!.equals(magicPacket(MAC))).toBe(true);
    expect((await ha.getState(wakeId))?.attributes.last_triggered).toBeTruthy();

    // While jobs keep waiting, a re-send comes only after resend_minutes (5) since the last one.
    packets.length = 0;
    expect(await ha.runAutomation(wakeId)).toBe('failed_conditions');
    expect(packets).toEqual([]);
    await ha.callService('automation', 'trigger', { entity_id: wakeId, skip_condition: true });
    await waitFor(() => packets.length > 0, { timeoutMs: 10_000, what: 'a packet from the manual run' });
    expect(problemLogLines(ha.logs())).toEqual([]);
  });

  it('package: the GPU PC state follows the agent and the queue', async () => {
    await setWaiting(0);
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'idle');
    await publishJson(client, pc.state, agentState({ type: 'image.upscale' }));
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'busy' && s.attributes.current_job === 'image.upscale');
    await ha.waitForState('sensor.hearth_gpu_vram_used', (s) => s.state === String(Math.round((9000 / 12288) * 100)));
    await client.publishAsync(pc.availability, 'asleep', { retain: true, qos: 1 });
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'asleep');
    await setWaiting(3);
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'waking');
    await ha.waitForState('binary_sensor.hearth_jobs_waiting_for_gpu', (s) => s.state === 'on');
    // Asleep is not a fault: the agent's entities stay available.
    expect((await ha.getState('sensor.hearth_pc_current_job'))?.state).toBe('image.upscale');
    await client.publishAsync(pc.availability, 'offline', { retain: true, qos: 1 });
    await setWaiting(0);
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'offline');
    await ha.waitForState('sensor.hearth_pc_current_job', (s) => s.state === 'unavailable');
    await client.publishAsync(pc.availability, 'online', { retain: true, qos: 1 });
    await publishJson(client, pc.state, agentState(null));
    await ha.waitForState('sensor.hearth_gpu_pc_state', (s) => s.state === 'idle');
  });

  it('package: the wake script sends a magic packet; the helper for idle minutes exists', async () => {
    // Another MAC than the blueprint's, so a late packet from the automation cannot pass for this one.
    const other = '3c:7c:3f:00:00:2a';
    await ha.callService('script', 'hearth_wake_gpu_pc', { mac: other, broadcast_address: '127.0.0.1', broadcast_port: wake.port });
    await waitFor(() => packets.some((p) => p.equals(magicPacket(other))), { timeoutMs: 20_000, what: "the script's magic packet" });
    const helper = await ha.getState('input_number.hearth_gpu_idle_minutes');
    expect(helper?.attributes).toMatchObject({ min: 10, max: 240, unit_of_measurement: 'min' });
  });

  it('notify_job_finished: a succeeded job notifies, a started one does not', async () => {
    const notifications = async () =>
      (await ha.sendWs<Array<{ title: string; message: string }>>({ type: 'persistent_notification/get' })).filter((n) => n.title?.startsWith('Hearth'));
    expect(await notifications()).toEqual([]);
    await publishJson(client, pc.event, { event_type: 'job_started', job_id: 'j1', type: 'image.upscale' }, false);
    await ha.waitForState('event.hearth_pc_job', (s) => s.attributes.event_type === 'job_started');
    await publishJson(client, pc.event, { event_type: 'job_succeeded', job_id: 'j1', type: 'image.upscale' }, false);
    const [note] = await waitFor(
      async () => {
        const list = await notifications();
        return list.length ? list : undefined;
      },
      { timeoutMs: 20_000, what: 'a notification' },
    );
    expect(note).toMatchObject({ title: 'Hearth: job done', message: 'image.upscale finished on Hearth pc.' });
    expect(await notifications()).toHaveLength(1);
  });

  it('kiosk_night_mode: at the night start time the kiosk switch is turned on over MQTT', async () => {
    const commands: string[] = [];
    const commandTopic = appliance.command('kiosk/night_mode');
    // Play the appliance: obey the command and report the new state.
    client.on('message', (topic, payload) => {
      if (topic !== commandTopic) return;
      commands.push(payload.toString());
      void setAppliance({ kiosk: { ...applianceState.kiosk, nightMode: payload.toString() === 'ON' } });
    });
    await client.subscribeAsync(commandTopic, { qos: 1 });
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'off');

    const automations = blueprintAutomations(wake, { start: utcTime(8_000), end: utcTime(3_600_000) });
    await writeFile(join(ha.configDir, 'automations.yaml'), JSON.stringify(automations));
    await ha.callService('automation', 'reload');
    await ha.waitForState('switch.hearth_kiosk_night_mode', (s) => s.state === 'on', 30_000);
    expect(commands).toEqual(['ON']);
  });

  it('suspend_idle_pc: presses Suspend only when the PC is online, idle and no job waits', async () => {
    const presses: string[] = [];
    const suspendTopic = pc.command('suspend');
    client.on('message', (topic, payload) => {
      if (topic === suspendTopic) presses.push(payload.toString());
    });
    await client.subscribeAsync(suspendTopic, { qos: 1 });
    // Busy before the 0-minute instance exists, so its minute tick cannot press early. Every step
    // below changes one thing at a time and never passes through "all conditions met".
    await publishJson(client, pc.state, agentState({ type: 'llm.chat' }));
    await ha.waitForState('sensor.hearth_pc_current_job', (s) => s.state === 'llm.chat');
    await writeFile(join(ha.configDir, 'automations.yaml'), JSON.stringify(blueprintAutomations(wake, undefined, 0)));
    await ha.callService('automation', 'reload');
    const suspend = AUTOMATION_IDS['automation/hearth/suspend_idle_pc.yaml'];
    await ha.waitForState(suspend, (s) => s.state === 'on');
    // Runs the automation now, conditions included (as the minute tick does).
    const check = async () => expect(await ha.runAutomation(suspend)).toBe('failed_conditions');

    await check();
    expect(presses).toEqual([]); // busy

    await setWaiting(1);
    await ha.waitForState('sensor.hearth_jobs_waiting_for_gpu', (s) => s.state === '1');
    await publishJson(client, pc.state, agentState(null));
    await ha.waitForState('sensor.hearth_pc_current_job', (s) => s.state === 'idle');
    await check();
    expect(presses).toEqual([]); // a job waits

    await client.publishAsync(pc.availability, 'asleep', { retain: true, qos: 1 });
    await ha.waitForState('sensor.hearth_pc_power_state', (s) => s.state === 'asleep');
    await setWaiting(0);
    await ha.waitForState('sensor.hearth_jobs_waiting_for_gpu', (s) => s.state === '0');
    await check();
    expect(presses).toEqual([]); // already asleep

    await client.publishAsync(pc.availability, 'online', { retain: true, qos: 1 });
    await ha.waitForState('sensor.hearth_pc_power_state', (s) => s.state === 'online');
    await ha.callService('automation', 'trigger', { entity_id: suspend, skip_condition: false });
    await waitFor(() => presses.length > 0, { timeoutMs: 10_000, what: 'the suspend command' });
    expect(presses[0]).toBe('PRESS');
  });

  it('dashboard: loads in Lovelace and every entity it shows exists', async () => {
    const config = await ha.sendWs<{ title: string; views: Array<{ path: string; cards: unknown[] }> }>({ type: 'lovelace/config', url_path: 'hearth-gpu' });
    expect(config.title).toBe('Hearth');
    expect(config.views.map((v) => v.path)).toEqual(['gpu', 'queue']);
    const wanted = referencedEntities(config.views);
    expect(wanted.size).toBeGreaterThan(20);
    const existing = new Set((await ha.getStates()).map((s) => s.entity_id));
    expect([...wanted].filter((id) => !existing.has(id))).toEqual([]);
  });

  it('every entity id the package, the dashboard and the blueprints name is in the live entity registry', async () => {
    const files = ['packages/hearth.yaml', 'dashboards/hearth.yaml', ...Object.keys(await hearthBlueprints()).map((p) => `blueprints/${p}`)];
    const named = new Map<string, string>();
    for (const file of files) for (const id of (await readFile(join(integrationDir, file), 'utf8')).match(ENTITY_ID) ?? []) named.set(id, file);
    expect(named.size).toBeGreaterThan(30);
    const registry = new Set((await ha.sendWs<Array<{ entity_id: string }>>({ type: 'config/entity_registry/list' })).map((e) => e.entity_id));
    expect([...named].filter(([id]) => !registry.has(id)).map(([id, file]) => `${id} (${file})`)).toEqual([]);
    // And nothing was renamed around them: no second copy of an entity (HA appends _2 on a clash).
    expect([...registry].filter((id) => /^[a-z_]+\.hearth_.*_\d+$/.test(id) && !/preset_\d+$/.test(id))).toEqual([]);
  });

  it('after a restart the automations are back and still working', async () => {
    await ha.restart();
    for (const entityId of Object.values(AUTOMATION_IDS)) {
      await ha.waitForState(entityId, (s) => s.state === 'on');
    }
    await ha.waitForState('sensor.hearth_jobs_waiting_for_gpu', (s) => s.state === '0');
    packets.length = 0;
    await setWaiting(1);
    await waitFor(() => packets.length > 0, { timeoutMs: 20_000, what: 'a magic packet after restart' });
    expect(problemLogLines(ha.logs())).toEqual([]);
  });
});
