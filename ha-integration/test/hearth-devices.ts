import { agentTopics, applianceTopics, chooseDiscoveryMode, HA_DISCOVERY_PREFIX, planDiscovery, type HaDeviceDiscovery } from '@hearth/protocol';
import type { MqttClient } from 'mqtt';
// The appliance's and the agent's real entity lists and state JSON, so the blueprints, package and
// dashboard are tested against the entity ids and templates they actually publish.
import { applianceEntities } from '../../appliance/src/mqtt-device/entities.js';
import { statePayload, type ApplianceState } from '../../appliance/src/mqtt-device/state-payload.js';
import { agentEntities } from '../../gpu-agent/src/presence/entities.js';

/**
 * The tests play the appliance's and the agent's part on MQTT, in the discovery form the appliance
 * picks for that HA version (per-component for 2024.3, device-based for 2026), with device and
 * origin as the real processes send them.
 */
const origin = { name: 'hearth-tests' };

export function applianceDiscovery(): HaDeviceDiscovery {
  return {
    prefix: HA_DISCOVERY_PREFIX,
    nodeId: 'hearth_appliance',
    device: { identifiers: ['hearth_appliance'], name: 'Hearth', manufacturer: 'Hearth' },
    origin,
    entities: applianceEntities({ presets: [{ id: 1, name: 'Birthday card' }], kioskPages: ['gallery', 'clock'] }),
  };
}

export type { ApplianceState };

export function initialApplianceState(): ApplianceState {
  const zero = { builtin: 0, comfyui: 0, llm: 0, speech: 0, video: 0 };
  return { queue: { ...zero }, running: { ...zero }, jobsWaitingForGpu: 0, agentsOnline: 1, kiosk: { nightMode: false, page: 'gallery' }, kioskMode: 'awake' };
}

export async function publishApplianceState(client: MqttClient, state: ApplianceState): Promise<void> {
  await client.publishAsync(applianceTopics().state, statePayload(state), { retain: true, qos: 1 });
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
    telemetry: { status: 'running', detail: null },
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

export async function publishDiscovery(client: MqttClient, d: HaDeviceDiscovery, haVersion: string): Promise<void> {
  const { messages } = planDiscovery(null, d, chooseDiscoveryMode('auto', haVersion));
  for (const m of messages) await client.publishAsync(m.topic, m.payload, { retain: true, qos: 1 });
}

export async function publishJson(client: MqttClient, topic: string, value: unknown, retain = true): Promise<void> {
  await client.publishAsync(topic, JSON.stringify(value), { retain, qos: 1 });
}

export { agentTopics, applianceTopics };
