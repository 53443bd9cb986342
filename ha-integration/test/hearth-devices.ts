import {
  CAPABILITIES,
  agentTopics,
  applianceTopics,
  componentDiscoveryMessages,
  haButton,
  haSelect,
  haSensor,
  haSwitch,
  HA_DISCOVERY_PREFIX,
  type HaDeviceDiscovery,
} from '@hearth/protocol';
import type { MqttClient } from 'mqtt';
// The agent's real entity list, so the blueprints, package and dashboard are tested against the
// entity ids the gpu-agent actually publishes.
import { agentEntities } from '../../gpu-agent/src/presence/entities.js';

/**
 * The tests play the appliance's and the agent's part on MQTT, in the per-component discovery
 * form that HA 2024.3 understands. The appliance's entities follow the object ids and state JSON
 * that README.md documents (hearth_jobs_waiting_for_gpu, hearth_queue_<capability>, ...).
 */
const origin = { name: 'hearth-tests' };

export function applianceDiscovery(): HaDeviceDiscovery {
  const t = applianceTopics();
  const availability = [{ topic: t.availability, payload_available: 'online', payload_not_available: 'offline' }];
  const count = (objectId: string, name: string, key: string, unit: string) =>
    haSensor(objectId, { name, unique_id: objectId, state_topic: t.state, value_template: `{{ value_json.${key} }}`, unit_of_measurement: unit, state_class: 'measurement', availability });
  return {
    prefix: HA_DISCOVERY_PREFIX,
    nodeId: 'hearth_appliance',
    device: { identifiers: ['hearth_appliance'], name: 'Hearth', manufacturer: 'Hearth' },
    origin,
    entities: [
      ...CAPABILITIES.map((c) => count(`hearth_queue_${c}`, `Queue ${c}`, `queue.${c}`, 'jobs')),
      count('hearth_jobs_waiting_for_gpu', 'Jobs waiting for GPU', 'jobs_waiting_for_gpu', 'jobs'),
      count('hearth_agents_online', 'Agents online', 'agents_online', 'agents'),
      haButton('hearth_preset_1', { name: 'Preset Birthday card', unique_id: 'hearth_preset_1', command_topic: t.command('preset/1'), payload_press: 'PRESS', availability }),
      haSwitch('hearth_kiosk_night_mode', {
        name: 'Kiosk night mode',
        unique_id: 'hearth_kiosk_night_mode',
        command_topic: t.command('kiosk/night_mode'),
        state_topic: t.state,
        value_template: "{{ 'ON' if value_json.kiosk_night_mode else 'OFF' }}",
        payload_on: 'ON',
        payload_off: 'OFF',
        availability,
      }),
      haSelect('hearth_kiosk_page', { name: 'Kiosk page', unique_id: 'hearth_kiosk_page', command_topic: t.command('kiosk/page'), options: ['gallery', 'clock'], state_topic: t.state, value_template: '{{ value_json.kiosk_page }}', availability }),
    ],
  };
}

export interface ApplianceState {
  queue: Record<(typeof CAPABILITIES)[number], number>;
  jobs_waiting_for_gpu: number;
  agents_online: number;
  kiosk_night_mode: boolean;
  kiosk_page: string;
}

export function initialApplianceState(): ApplianceState {
  return { queue: { builtin: 0, comfyui: 0, llm: 0 }, jobs_waiting_for_gpu: 0, agents_online: 1, kiosk_night_mode: false, kiosk_page: 'gallery' };
}

export function agentDiscovery(agentId: string): HaDeviceDiscovery {
  return {
    prefix: HA_DISCOVERY_PREFIX,
    nodeId: `hearth_${agentId}`,
    device: { identifiers: [`hearth_agent_${agentId}`], name: `Hearth ${agentId}`, manufacturer: 'Hearth' },
    origin,
    entities: agentEntities(agentId, [{ index: 0 }]),
  };
}

/** The agent's retained state JSON, in the shape its discovery templates read. */
export function agentState(job: { type: string } | null): unknown {
  return {
    host: { cpu_percent: 12, memory_percent: 40 },
    job,
    jobs_done: 7,
    accepting: true,
    telemetry: { status: 'ok' },
    gpus: {
      gpu0: {
        index: 0,
        uuid: 'GPU-5c3e8a10-0000-4000-8000-000000000000',
        name: 'NVIDIA GeForce RTX 3060',
        utilization_percent: job ? 97 : 0,
        memory_used_mib: job ? 9000 : 300,
        memory_total_mib: 12288,
        temperature_c: job ? 71 : 38,
        power_draw_w: job ? 160 : 15,
        power_limit_w: 170,
        fan_percent: 30,
        clock_graphics_mhz: 1800,
        clock_memory_mhz: 7500,
        pstate: job ? 'P2' : 'P8',
        throttle_reasons: [],
      },
    },
  };
}

export async function publishDiscovery(client: MqttClient, d: HaDeviceDiscovery): Promise<void> {
  for (const m of componentDiscoveryMessages(d)) await client.publishAsync(m.topic, m.payload, { retain: true, qos: 1 });
}

export async function publishJson(client: MqttClient, topic: string, value: unknown, retain = true): Promise<void> {
  await client.publishAsync(topic, JSON.stringify(value), { retain, qos: 1 });
}

export { agentTopics, applianceTopics };
