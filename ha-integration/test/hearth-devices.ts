import {
  agentTopics,
  applianceTopics,
  componentDiscoveryMessages,
  haButton,
  haEvent,
  haSelect,
  haSensor,
  haSwitch,
  HA_DISCOVERY_PREFIX,
  type HaDeviceDiscovery,
} from '@hearth/protocol';
import type { MqttClient } from 'mqtt';

/**
 * The tests play the appliance's and the agent's part on MQTT: the entities below use the
 * object ids that README.md documents (and the package reads), published in the per-component
 * discovery form that HA 2024.3 understands.
 */
const origin = { name: 'hearth-tests' };

export function applianceDiscovery(): HaDeviceDiscovery {
  const t = applianceTopics();
  const state = (key: string) => ({ state_topic: t.state, value_template: `{{ value_json.${key} }}` });
  return {
    prefix: HA_DISCOVERY_PREFIX,
    nodeId: 'hearth_appliance',
    device: { identifiers: ['hearth_appliance'], name: 'Hearth', manufacturer: 'Hearth' },
    origin,
    entities: [
      haSensor('hearth_jobs_waiting_for_gpu', { name: 'Jobs waiting for GPU', unique_id: 'hearth_jobs_waiting_for_gpu', state_class: 'measurement', icon: 'mdi:timer-sand', ...state('jobs_waiting_for_gpu') }),
      haSensor('hearth_agents_online', { name: 'Agents online', unique_id: 'hearth_agents_online', state_class: 'measurement', ...state('agents_online') }),
      haSwitch('hearth_kiosk_night_mode', {
        name: 'Kiosk night mode',
        unique_id: 'hearth_kiosk_night_mode',
        command_topic: t.command('kiosk/night_mode'),
        state_topic: t.state,
        value_template: "{{ 'ON' if value_json.kiosk_night_mode else 'OFF' }}",
      }),
      haSelect('hearth_kiosk_page', { name: 'Kiosk page', unique_id: 'hearth_kiosk_page', command_topic: t.command('kiosk/page'), options: ['gallery', 'clock'], ...state('kiosk_page') }),
    ],
  };
}

export function agentDiscovery(agentId: string): HaDeviceDiscovery {
  const t = agentTopics(agentId);
  const id = (key: string) => `hearth_${agentId}_${key}`;
  const availability = [{ topic: t.availability, value_template: "{{ 'online' if value in ('online', 'asleep') else 'offline' }}" }];
  return {
    prefix: HA_DISCOVERY_PREFIX,
    nodeId: `hearth_${agentId}`,
    device: { identifiers: [`hearth_agent_${agentId}`], name: `Hearth ${agentId}`, manufacturer: 'Hearth' },
    origin,
    entities: [
      haSensor(id('power_state'), { name: 'Power state', unique_id: id('power_state'), state_topic: t.availability, device_class: 'enum', options: ['online', 'asleep', 'offline'] }),
      haSensor(id('current_job'), { name: 'Current job', unique_id: id('current_job'), state_topic: t.state, availability, value_template: "{{ value_json.job.type if value_json.job else 'idle' }}" }),
      haSensor(id('gpu0_temperature'), { name: 'GPU 0 temperature', unique_id: id('gpu0_temperature'), state_topic: t.state, availability, device_class: 'temperature', unit_of_measurement: '°C', state_class: 'measurement', value_template: '{{ value_json.gpus.gpu0.temperature_c }}' }),
      haButton(id('suspend'), { name: 'Suspend', unique_id: id('suspend'), command_topic: t.command('suspend'), payload_press: 'PRESS', availability }),
      haEvent(id('job'), { name: 'Job', unique_id: id('job'), state_topic: t.event, event_types: ['job_started', 'job_succeeded', 'job_failed'], availability }),
    ],
  };
}

export async function publishDiscovery(client: MqttClient, d: HaDeviceDiscovery): Promise<void> {
  for (const m of componentDiscoveryMessages(d)) await client.publishAsync(m.topic, m.payload, { retain: true, qos: 1 });
}

export async function publishJson(client: MqttClient, topic: string, value: unknown, retain = true): Promise<void> {
  await client.publishAsync(topic, JSON.stringify(value), { retain, qos: 1 });
}
