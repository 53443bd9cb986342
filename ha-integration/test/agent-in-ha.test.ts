import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMosquitto, tempDir, waitFor, type MosquittoInstance } from '@hearth/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHomeAssistant, testedHaVersions, type HomeAssistant } from '../src/index.js';
// The real agent process and the stand-in nvidia-smi, exactly as the agent's own presence tests run them.
import { observe, standinWith, startAgent, type AgentProcess } from '../../gpu-agent/test/helpers.js';
import { REPO_ROOT } from '../../gpu-agent/test/fixtures.js';
import { agentEntities } from '../../gpu-agent/src/presence/entities.js';

/**
 * The real gpu-agent as an MQTT device in a real Home Assistant (each supported version): discovery, classes and
 * units, telemetry, the suspend button and the asleep state, the LWT, and an HA restart.
 */

const AGENT = 'pc';
const sensor = (key: string) => `sensor.hearth_${AGENT}_${key}`;
const agentVersion = (JSON.parse(readFileSync(join(REPO_ROOT, 'gpu-agent/package.json'), 'utf8')) as { version: string }).version;

interface DeviceEntry {
  id: string;
  identifiers: Array<[string, string]>;
  name: string;
  model: string | null;
  sw_version: string | null;
  manufacturer: string | null;
}
interface EntityEntry {
  entity_id: string;
  device_id: string | null;
  platform: string;
}

describe.each(testedHaVersions())('the real gpu-agent in a real Home Assistant %s', (version) => {
  let broker: MosquittoInstance;
  let ha: HomeAssistant;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let agent: AgentProcess;
  let haStartMs = 0;

  beforeAll(async () => {
    broker = await startMosquitto();
    dir = await tempDir('hearth-agent-in-ha-');
    const started = Date.now();
    ha = await startHomeAssistant({ version, mqttPort: broker.port });
    haStartMs = Date.now() - started;
    const nvidiaSmi = await standinWith(dir.path, { NVSMI_GPUS: '1', NVSMI_VARY: '1' });
    agent = startAgent({
      AGENT_ID: AGENT,
      AGENT_NAME: 'Family PC',
      MQTT_URL: broker.url,
      NVIDIA_SMI: nvidiaSmi,
      AGENT_DATA_DIR: join(dir.path, 'agent'),
      // `true` exits 0 at once: a suspend that "happened" without putting the test machine to sleep.
      SUSPEND_COMMAND: 'true',
      TELEMETRY_INTERVAL_MS: '300',
      TELEMETRY_DEADBAND: '{"utilizationPercent":1,"cpuPercent":101,"memoryPercent":101}',
      HA_ANNOUNCE_JITTER_MS: '500',
    });
  });

  afterAll(async () => {
    await agent?.stop('SIGKILL');
    await ha?.stop();
    await broker?.close();
    await dir?.remove();
  });

  it('its entities appear with device class, unit and state', async () => {
    // Discovery waits for the first telemetry round; HA then reads the retained state.
    const temperature = await ha.waitForState(sensor('gpu0_temperature'), (s) => Number.isFinite(Number(s.state)), 60_000);
    console.info(`Home Assistant started in ${haStartMs} ms`);
    expect(temperature.attributes).toMatchObject({
      device_class: 'temperature',
      unit_of_measurement: '°C',
      state_class: 'measurement',
      friendly_name: 'Family PC GPU 0 temperature',
    });

    const vram = await ha.waitForState(sensor('gpu0_vram_total'), (s) => s.state === '8192');
    expect(vram.attributes).toMatchObject({ device_class: 'data_size', unit_of_measurement: 'MiB' });
    const power = await ha.waitForState(sensor('gpu0_power'), (s) => Number(s.state) > 0);
    expect(power.attributes).toMatchObject({ device_class: 'power', unit_of_measurement: 'W' });
    const utilization = await ha.waitForState(sensor('gpu0_utilization'), (s) => Number.isFinite(Number(s.state)));
    expect(utilization.attributes.unit_of_measurement).toBe('%');
    const powerState = await ha.waitForState(sensor('power_state'), (s) => s.state === 'online');
    expect(powerState.attributes.device_class).toBe('enum');
    expect((await ha.waitForState(sensor('current_job'), (s) => s.state === 'idle')).state).toBe('idle');
    expect((await ha.waitForState('switch.hearth_pc_accepting_jobs', (s) => s.state === 'on')).state).toBe('on');
    expect(await ha.getState('button.hearth_pc_suspend')).toMatchObject({ state: 'unknown' });
    expect(await ha.getState('event.hearth_pc_job')).toMatchObject({ attributes: { event_types: ['job_started', 'job_succeeded', 'job_failed'] } });

    const devices = await ha.sendWs<DeviceEntry[]>({ type: 'config/device_registry/list' });
    const device = devices.find((d) => d.identifiers.some(([domain, id]) => domain === 'mqtt' && id === `hearth_agent_${AGENT}`));
    expect(device).toMatchObject({ name: 'Family PC', manufacturer: 'Hearth', model: 'GPU agent (NVIDIA GeForce RTX 2080 SUPER)', sw_version: agentVersion });
    const entities = await ha.sendWs<EntityEntry[]>({ type: 'config/entity_registry/list' });
    const ofDevice = entities.filter((e) => e.device_id === device!.id).map((e) => e.entity_id);
    expect(ofDevice).toEqual(
      expect.arrayContaining([sensor('gpu0_temperature'), 'button.hearth_pc_suspend', 'switch.hearth_pc_accepting_jobs', sensor('gpu0_throttle')]),
    );
    expect(ofDevice.sort()).toEqual(
      agentEntities(AGENT, [{ index: 0 }])
        .map((e) => `${e.component}.${e.objectId}`)
        .sort(),
    );
  });

  it('telemetry changes from nvidia-smi reach the entity state', async () => {
    const published = await observe(broker.url, [`hearth/agent/${AGENT}/state`]);
    try {
      const seen = new Set<string>();
      await waitFor(
        async () => {
          const s = await ha.getState(sensor('gpu0_utilization'));
          if (s && s.state !== 'unknown' && s.state !== 'unavailable') seen.add(s.state);
          return seen.size >= 3;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: 'three different utilization readings in HA' },
      );
      // Every value HA showed is one the agent published (the observer got the retained one too).
      const sent = new Set(
        published.messages.map((m) => String((JSON.parse(m.payload) as { gpus: { gpu0: { utilization_percent: number } } }).gpus.gpu0.utilization_percent)),
      );
      expect([...seen].filter((v) => !sent.has(v))).toEqual([]);
    } finally {
      await published.close();
    }
  });

  it('after an HA restart the entities and states come back, re-announced by the same agent process', async () => {
    const pid = agent.child.pid;
    const announcedBefore = (agent.output().match(/Home Assistant came online; re-announcing/g) ?? []).length;
    await ha.restart();
    await waitFor(() => (agent.output().match(/Home Assistant came online; re-announcing/g) ?? []).length > announcedBefore, {
      timeoutMs: 30_000,
      what: 're-announce after the HA birth message',
    });
    const temperature = await ha.waitForState(sensor('gpu0_temperature'), (s) => Number.isFinite(Number(s.state)), 30_000);
    expect(temperature.attributes.device_class).toBe('temperature');
    expect((await ha.waitForState(sensor('power_state'), (s) => s.state === 'online')).state).toBe('online');
    expect(await ha.waitForState('button.hearth_pc_suspend', (s) => s.state !== 'unavailable')).toBeTruthy();
    expect(agent.child.pid).toBe(pid);
    expect(agent.child.exitCode).toBeNull();
  });

  it('the suspend button: the agent publishes asleep and HA shows asleep, not unavailable', async () => {
    await ha.callService('button', 'press', { entity_id: 'button.hearth_pc_suspend' });
    await ha.waitForState(sensor('power_state'), (s) => s.state === 'asleep', 15_000);
    await waitFor(() => agent.output().includes('suspending'), { what: 'the suspend command run' });
    // Asleep keeps the readings and controls (greyed-out entities would look like a fault).
    expect((await ha.getState(sensor('gpu0_temperature')))!.state).not.toBe('unavailable');
    expect((await ha.getState('button.hearth_pc_suspend'))!.state).not.toBe('unavailable');
    expect((await ha.getState('switch.hearth_pc_accepting_jobs'))!.state).toBe('on');
  });

  it('kill -9: the broker sends the will and HA shows the agent unavailable', async () => {
    agent.child.kill('SIGKILL');
    await agent.exited;
    await ha.waitForState(sensor('gpu0_temperature'), (s) => s.state === 'unavailable', 20_000);
    expect((await ha.getState('button.hearth_pc_suspend'))!.state).toBe('unavailable');
    expect((await ha.getState('switch.hearth_pc_accepting_jobs'))!.state).toBe('unavailable');
    expect((await ha.waitForState(sensor('power_state'), (s) => s.state === 'offline')).state).toBe('offline');
  });
});
