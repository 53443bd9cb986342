import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import mqtt from 'mqtt';
import { AgentAnnouncement, HA_COMPONENTS, applianceTopics } from '@hearth/protocol';
import { startMosquitto, tempDir, waitFor, type MosquittoInstance } from '@hearth/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './fixtures.js';
import { observe, retained, standinWith, startAgent, type AgentProcess } from './helpers.js';

let broker: MosquittoInstance;
let dir: Awaited<ReturnType<typeof tempDir>>;
const running: AgentProcess[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  dir = await tempDir('hearth-presence-');
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop('SIGKILL')));
});
afterAll(async () => {
  await broker?.close();
  await dir?.remove();
});

async function agent(id: string, opts: { gpus?: number; env?: Record<string, string>; dataDir?: string } = {}) {
  const nvidiaSmi = await standinWith(dir.path, { NVSMI_GPUS: String(opts.gpus ?? 1), NVSMI_VARY: '1' }, `nvsmi-${id}-${opts.gpus ?? 1}`);
  const a = startAgent({
    AGENT_ID: id,
    AGENT_NAME: `PC ${id}`,
    MQTT_URL: broker.url,
    NVIDIA_SMI: nvidiaSmi,
    AGENT_DATA_DIR: opts.dataDir ?? join(dir.path, `data-${id}`),
    TELEMETRY_INTERVAL_MS: '200',
    TELEMETRY_DEADBAND: '{"cpuPercent":101,"memoryPercent":101}',
    ...opts.env,
  });
  running.push(a);
  return a;
}

const CHOICE_TOPIC = applianceTopics().haDiscovery;
/** Publishes retained, as the appliance does. */
async function observerPublish(topic: string, payload: string): Promise<void> {
  const client = await mqtt.connectAsync(broker.url, { clientId: `hearth-presence-test-${process.pid}` });
  try {
    await client.publishAsync(topic, payload, { qos: 1, retain: true });
  } finally {
    await client.endAsync();
  }
}

const discoveredBy = async (id: string) => retained(broker.url, `homeassistant/+/hearth_${id}/+/config`);
const waitDiscovery = (a: AgentProcess) =>
  waitFor(() => a.output().includes('published Home Assistant discovery'), { timeoutMs: 20_000, what: `discovery\n${a.output()}` });

describe('agent presence on a real Mosquitto', () => {
  it('publishes retained, well-formed HA discovery and a valid announcement', async () => {
    const a = await agent('disc', { gpus: 2 });
    await waitDiscovery(a);
    const configs = await discoveredBy('disc');
    const byObject = new Map([...configs].map(([topic, payload]) => [topic.split('/')[3]!, { component: topic.split('/')[1]!, cfg: JSON.parse(payload) }]));
    expect(byObject.size).toBe(11 + 2 * 11);
    for (const [objectId, { component, cfg }] of byObject) {
      expect(HA_COMPONENTS).toContain(component);
      expect(cfg.unique_id).toBe(objectId);
      expect(cfg.object_id).toBe(objectId);
      expect(cfg.device.identifiers).toEqual(['hearth_agent_disc']);
      expect(cfg.device.name).toBe('PC disc');
      expect(cfg.origin).toMatchObject({ name: 'hearth-gpu-agent', sw_version: expect.any(String) });
      if (component === 'sensor' || component === 'event') expect(cfg.state_topic).toMatch(/^hearth\/agent\/disc\//);
      if (component === 'button' || component === 'switch') expect(cfg.command_topic).toMatch(/^hearth\/agent\/disc\/cmd\//);
    }
    expect(byObject.get('hearth_disc_gpu1_temperature')?.cfg).toMatchObject({
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
    });
    expect(byObject.get('hearth_disc_gpu0_vram_used')?.cfg).toMatchObject({ device_class: 'data_size', unit_of_measurement: 'MiB' });
    expect(byObject.get('hearth_disc_jobs_done')?.cfg.state_class).toBe('total_increasing');
    expect(byObject.get('hearth_disc_job')).toMatchObject({ component: 'event', cfg: { event_types: ['job_started', 'job_succeeded', 'job_failed'] } });
    expect(byObject.get('hearth_disc_accepting_jobs')?.component).toBe('switch');
    // power state is always available and reads the availability topic itself
    expect(byObject.get('hearth_disc_power_state')?.cfg).toMatchObject({
      state_topic: 'hearth/agent/disc/availability',
      options: ['online', 'asleep', 'offline'],
    });
    expect(byObject.get('hearth_disc_power_state')?.cfg.availability).toBeUndefined();

    const hearth = await retained(broker.url, 'hearth/agent/disc/#');
    expect(hearth.get('hearth/agent/disc/availability')).toBe('online');
    const announcement = JSON.parse(hearth.get('hearth/agent/disc/announce')!);
    expect(Value.Check(AgentAnnouncement, announcement)).toBe(true);
    expect(announcement).toMatchObject({ agentId: 'disc', capabilities: ['builtin'], acceptingJobs: true, gpus: [{ index: 0 }, { index: 1 }] });
  });

  it('telemetry changes reach the retained state topic', async () => {
    const o = await observe(broker.url, ['hearth/agent/tele/state']);
    try {
      await agent('tele');
      await waitFor(() => new Set(o.messages.map((m) => JSON.parse(m.payload).gpus.gpu0?.utilization_percent)).size >= 3, {
        timeoutMs: 20_000,
        what: 'varying utilization',
      });
      const last = JSON.parse(o.messages.at(-1)!.payload);
      expect(last).toMatchObject({
        telemetry: { status: 'running' },
        gpus: { gpu0: { name: 'NVIDIA GeForce RTX 2080 SUPER', memory_total_mib: 8192, throttle_reasons: ['sw_power_cap'] } },
      });
    } finally {
      await o.close();
    }
  });

  it('the broker publishes the LWT offline when the agent is killed -9', async () => {
    const a = await agent('lwt');
    await waitDiscovery(a);
    const o = await observe(broker.url, ['hearth/agent/lwt/availability']);
    try {
      await waitFor(() => o.latest('hearth/agent/lwt/availability')?.payload === 'online', { what: 'online' });
      a.child.kill('SIGKILL');
      await waitFor(() => o.latest('hearth/agent/lwt/availability')?.payload === 'offline', { timeoutMs: 10_000, what: 'LWT offline' });
      expect((await retained(broker.url, 'hearth/agent/lwt/availability')).get('hearth/agent/lwt/availability')).toBe('offline');
    } finally {
      await o.close();
    }
  });

  it('suspend: publishes asleep first, then runs the suspend command', async () => {
    // The fake suspend records what the broker holds as the agent's availability at the moment it runs.
    const marker = join(dir.path, 'availability-at-suspend');
    const script = join(dir.path, 'fake-suspend.mjs');
    await writeFile(
      script,
      `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const mqtt = createRequire(${JSON.stringify(join(REPO_ROOT, 'gpu-agent/package.json'))})('mqtt');
const c = await mqtt.connectAsync(${JSON.stringify(broker.url)});
c.on('message', (_t, p) => { writeFileSync(${JSON.stringify(marker)}, p.toString()); c.end(); });
await c.subscribeAsync('hearth/agent/sleep/availability');
`,
    );
    const a = await agent('sleep', { env: { SUSPEND_COMMAND: `${process.execPath} ${script}` } });
    await waitDiscovery(a);
    const o = await observe(broker.url, ['hearth/agent/sleep/availability']);
    try {
      await o.client.publishAsync('hearth/agent/sleep/cmd/suspend', 'PRESS', { qos: 1 });
      await waitFor(() => existsSync(marker) && readFileSync(marker, 'utf8'), { timeoutMs: 10_000, what: `suspend command\n${a.output()}` });
      expect(readFileSync(marker, 'utf8')).toBe('asleep');
      expect(o.messages.map((m) => m.payload)).toContain('asleep');
      expect((await retained(broker.url, 'hearth/agent/sleep/availability')).get('hearth/agent/sleep/availability')).toBe('asleep');
      expect(a.child.exitCode).toBeNull();
    } finally {
      await o.close();
    }
  });

  it('re-announces discovery and state when Home Assistant says online', async () => {
    const a = await agent('birth', { env: { HA_ANNOUNCE_JITTER_MS: '300' } });
    await waitDiscovery(a);
    const o = await observe(broker.url, ['homeassistant/+/hearth_birth/+/config', 'hearth/agent/birth/availability']);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const before = o.messages.length;
      await o.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
      // live (not retained-replay) copies of every config arrive again
      await waitFor(() => o.messages.slice(before).filter((m) => !m.retain && m.topic.endsWith('/config')).length >= 22, {
        timeoutMs: 10_000,
        what: 're-announced discovery',
      });
      await waitFor(() => o.messages.slice(before).some((m) => !m.retain && m.topic === 'hearth/agent/birth/availability' && m.payload === 'online'), {
        what: 're-published availability',
      });
    } finally {
      await o.close();
    }
  });

  it('clears the discovery of a GPU that is gone after a restart', async () => {
    const dataDir = join(dir.path, 'data-stale');
    const first = await agent('stale', { gpus: 2, dataDir });
    await waitDiscovery(first);
    expect([...(await discoveredBy('stale')).keys()].filter((t) => t.includes('_gpu1_'))).toHaveLength(11);
    await first.stop('SIGTERM');
    expect((await retained(broker.url, 'hearth/agent/stale/availability')).get('hearth/agent/stale/availability')).toBe('offline');

    const second = await agent('stale', { gpus: 1, dataDir });
    await waitDiscovery(second);
    const now = await discoveredBy('stale');
    expect([...now.keys()].filter((t) => t.includes('_gpu1_'))).toEqual([]);
    expect([...now.keys()].filter((t) => t.includes('_gpu0_'))).toHaveLength(11);
    expect(second.output()).toContain('"cleared":11');
  });

  it('ignores garbage commands and stays up; a valid command still works', async () => {
    const marker = join(dir.path, 'must-not-exist');
    const o = await observe(broker.url, ['hearth/agent/garbage/#']);
    const send = (cmd: string, payload: string | Buffer, retain = false) =>
      o.client.publishAsync(`hearth/agent/garbage/cmd/${cmd}`, payload, { qos: 1, retain });
    // A retained command would replay on every reconnect (suspending forever): the agent must ignore it.
    await send('suspend', 'PRESS', true);
    const a = await agent('garbage', { env: { SUSPEND_COMMAND: `touch ${marker}` } });
    await waitDiscovery(a);
    try {
      await send('suspend', 'yes please');
      await send('suspend', Buffer.from([0, 255, 1, 2]));
      await send('accepting', JSON.stringify({ on: true }));
      await send('format-disk', 'PRESS');
      await send('free-vram', 'x'.repeat(100_000));
      await o.client.publishAsync('homeassistant/status', '\u0000garbage', { qos: 1 });
      await waitFor(() => (a.output().match(/ignored an invalid command/g) ?? []).length >= 4, { what: `4 rejections\n${a.output()}` });
      await waitFor(() => a.output().includes('ignored a retained command'), { what: 'retained command ignored' });
      expect(a.output()).toContain('unknown command \\"format-disk\\"');
      expect(existsSync(marker)).toBe(false);
      expect(a.child.exitCode).toBeNull();
      expect(o.latest('hearth/agent/garbage/availability')?.payload ?? 'online').toBe('online');

      await send('accepting', 'OFF');
      await waitFor(() => o.messages.some((m) => m.topic === 'hearth/agent/garbage/announce' && JSON.parse(m.payload).acceptingJobs === false), {
        what: 'announce acceptingJobs=false',
      });
      await waitFor(() => o.messages.some((m) => m.topic === 'hearth/agent/garbage/state' && JSON.parse(m.payload).accepting === false), {
        what: 'state accepting=false',
      });
    } finally {
      await send('suspend', '', true);
      await o.close();
    }
  });

  it('follows the form the appliance chooses: per-component until told, then device-based (HA >= 2024.11), each switch clearing the other form', async () => {
    const a = await agent('devmode', { gpus: 1 });
    await waitDiscovery(a);
    const topicsOf = async () => [...(await retained(broker.url, 'homeassistant/#')).keys()].filter((t) => t.includes('hearth_devmode')).sort();
    expect(await topicsOf()).toHaveLength(22);
    const choose = (choice: unknown) => observerPublish(CHOICE_TOPIC, JSON.stringify(choice));
    try {
      await choose({ mode: 'device', haVersion: '2026.11.0' });
      await waitFor(async () => (await topicsOf()).join() === 'homeassistant/device/hearth_devmode/config', { what: 'only the device config left' });
      // Garbage on the choice topic changes nothing.
      await observerPublish(CHOICE_TOPIC, '{"mode":"sideways"}');
      await waitFor(() => a.output().includes('ignored an invalid discovery choice'), { what: 'the invalid choice refused' });
      expect(await topicsOf()).toEqual(['homeassistant/device/hearth_devmode/config']);
      // A restart keeps the form (the retained choice; the record would too).
      await a.stop('SIGTERM');
      const again = await agent('devmode', { gpus: 1 });
      await waitDiscovery(again);
      expect(await topicsOf()).toEqual(['homeassistant/device/hearth_devmode/config']);
      await choose({ mode: 'component', haVersion: '2024.3.3' });
      await waitFor(async () => (await topicsOf()).length === 22 && !(await topicsOf()).some((t) => t.includes('/device/')), {
        what: 'per-component configs again',
      });
      await choose({ mode: 'device', haVersion: '2026.11.0' });
      await waitFor(async () => (await topicsOf()).join() === 'homeassistant/device/hearth_devmode/config', { what: 'device config again' });
    } finally {
      await observerPublish(CHOICE_TOPIC, '');
    }
    const all = await retained(broker.url, 'homeassistant/#');
    const payload = JSON.parse(all.get('homeassistant/device/hearth_devmode/config')!);
    expect(payload.dev).toMatchObject({ identifiers: ['hearth_agent_devmode'], name: 'PC devmode' });
    expect(payload.o.name).toBe('hearth-gpu-agent');
    expect(Object.keys(payload.cmps)).toHaveLength(22);
    expect(payload.cmps.hearth_devmode_suspend).toMatchObject({
      p: 'button',
      command_topic: 'hearth/agent/devmode/cmd/suspend',
      default_entity_id: 'button.hearth_devmode_suspend',
      object_id: 'hearth_devmode_suspend',
    });
    expect(payload.cmps.hearth_devmode_gpu0_power).toMatchObject({ p: 'sensor', device_class: 'power', unit_of_measurement: 'W' });
  }, 180_000);

  it('runs without nvidia-smi: CPU capabilities only, says so in its state', async () => {
    const a = await agent('nogpu', { env: { NVIDIA_SMI: join(dir.path, 'no-such-nvidia-smi') } });
    await waitDiscovery(a);
    // Wait for what is asserted, not for the machine to be quick: discovery can land before the first state.
    await waitFor(() => /not found or not executable.*CPU \(builtin\) capabilities only/.test(a.output()), {
      timeoutMs: 30_000,
      what: 'the no-nvidia-smi log line',
    });
    expect(a.output()).toMatch(/not found or not executable.*CPU \(builtin\) capabilities only/);
    let hearth = new Map<string, string>();
    await waitFor(
      async () => {
        hearth = await retained(broker.url, 'hearth/agent/nogpu/#');
        const state = hearth.get('hearth/agent/nogpu/state');
        return (
          hearth.has('hearth/agent/nogpu/announce') &&
          state !== undefined &&
          (JSON.parse(state) as { telemetry?: { status?: string } }).telemetry?.status === 'no_nvidia_smi'
        );
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the retained state and announcement without nvidia-smi' },
    );
    expect(JSON.parse(hearth.get('hearth/agent/nogpu/state')!)).toMatchObject({ telemetry: { status: 'no_nvidia_smi' }, gpus: {}, capabilities: ['builtin'] });
    expect(JSON.parse(hearth.get('hearth/agent/nogpu/announce')!)).toMatchObject({ gpus: [], capabilities: ['builtin'] });
    expect([...(await discoveredBy('nogpu')).keys()].some((t) => /_gpu\d+_/.test(t))).toBe(false);
  });
});
