import { agentTopics, haButton, haEvent, haSensor, haSwitch, type HaAvailability, type HaEntity, type HaSensorConfig } from '@hearth/protocol';
import { TELEMETRY_STATUSES } from '../agent-state.js';
import type { GpuSample } from '../telemetry/gpu-sample.js';

export const COMMANDS = ['suspend', 'restart-worker', 'free-vram', 'accepting'] as const;
export type CommandName = (typeof COMMANDS)[number];
export const PRESS = 'PRESS';
export const JOB_EVENT_TYPES = ['job_started', 'job_succeeded', 'job_failed'] as const;

/**
 * Availability. HA knows only available/unavailable, but we want "asleep" to differ from "crashed":
 * - every entity maps both `online` and `asleep` to available (template below), so a sleeping PC keeps
 *   its last readings and its controls instead of greying out like a fault; only the LWT `offline`
 *   makes them unavailable;
 * - the "Power state" enum sensor reads the availability topic itself and has no availability of its
 *   own, so it is always shown and says online / asleep / offline.
 */
export function entityAvailability(agentId: string): HaAvailability[] {
  return [{ topic: agentTopics(agentId).availability, value_template: "{{ 'online' if value in ('online', 'asleep') else 'offline' }}" }];
}

interface GpuMetric {
  key: string;
  label: string;
  field: keyof GpuSample;
  extra: Partial<HaSensorConfig>;
}

const measurement = { state_class: 'measurement' } as const;
const GPU_METRICS: GpuMetric[] = [
  { key: 'utilization', label: 'utilization', field: 'utilizationPercent', extra: { ...measurement, unit_of_measurement: '%', icon: 'mdi:expansion-card' } },
  {
    key: 'vram_used',
    label: 'VRAM used',
    field: 'memoryUsedMiB',
    extra: { ...measurement, device_class: 'data_size', unit_of_measurement: 'MiB', icon: 'mdi:memory' },
  },
  {
    key: 'vram_total',
    label: 'VRAM total',
    field: 'memoryTotalMiB',
    extra: { device_class: 'data_size', unit_of_measurement: 'MiB', entity_category: 'diagnostic', icon: 'mdi:memory' },
  },
  { key: 'temperature', label: 'temperature', field: 'temperatureC', extra: { ...measurement, device_class: 'temperature', unit_of_measurement: '°C' } },
  {
    key: 'power',
    label: 'power',
    field: 'powerDrawW',
    extra: { ...measurement, device_class: 'power', unit_of_measurement: 'W', suggested_display_precision: 0 },
  },
  { key: 'power_limit', label: 'power limit', field: 'powerLimitW', extra: { device_class: 'power', unit_of_measurement: 'W', entity_category: 'diagnostic' } },
  { key: 'fan', label: 'fan', field: 'fanPercent', extra: { ...measurement, unit_of_measurement: '%', icon: 'mdi:fan' } },
  {
    key: 'clock_graphics',
    label: 'graphics clock',
    field: 'clockGraphicsMHz',
    extra: { ...measurement, device_class: 'frequency', unit_of_measurement: 'MHz', entity_category: 'diagnostic' },
  },
  {
    key: 'clock_memory',
    label: 'memory clock',
    field: 'clockMemoryMHz',
    extra: { ...measurement, device_class: 'frequency', unit_of_measurement: 'MHz', entity_category: 'diagnostic' },
  },
  { key: 'pstate', label: 'performance state', field: 'pstate', extra: { entity_category: 'diagnostic', icon: 'mdi:speedometer' } },
];

/** The GPU part of the state JSON, keyed by index so templates stay valid when GPUs come and go. */
export function gpuStateKey(index: number) {
  return `gpu${index}`;
}

/** Every entity the agent exposes, given the GPUs it currently sees. */
export function agentEntities(agentId: string, gpus: ReadonlyArray<Pick<GpuSample, 'index'>>): HaEntity[] {
  const t = agentTopics(agentId);
  const id = (key: string) => `hearth_${agentId.replace(/-/g, '_')}_${key}`;
  const availability = entityAvailability(agentId);
  const sensor = (key: string, cfg: Omit<HaSensorConfig, 'unique_id' | 'state_topic'>) =>
    haSensor(id(key), { unique_id: id(key), state_topic: t.state, availability, ...cfg });
  // `None` makes HA show "unknown" for a value the driver does not report.
  const fromState = (path: string) => `{{ value_json${path} if value_json${path} is not none else 'None' }}`;

  const entities: HaEntity[] = [
    haSensor(id('power_state'), {
      name: 'Power state',
      unique_id: id('power_state'),
      state_topic: t.availability,
      device_class: 'enum',
      options: ['online', 'asleep', 'offline'],
      icon: 'mdi:power-sleep',
    }),
    sensor('cpu', {
      name: 'CPU',
      value_template: fromState('.host.cpu_percent'),
      unit_of_measurement: '%',
      state_class: 'measurement',
      icon: 'mdi:cpu-64-bit',
    }),
    sensor('memory', {
      name: 'Memory',
      value_template: fromState('.host.memory_percent'),
      unit_of_measurement: '%',
      state_class: 'measurement',
      icon: 'mdi:memory',
    }),
    sensor('current_job', {
      name: 'Current job',
      value_template: "{{ value_json.job.type if value_json.job else 'idle' }}",
      json_attributes_topic: t.state,
      json_attributes_template: '{{ (value_json.job or {}) | tojson }}',
      icon: 'mdi:briefcase-clock',
    }),
    sensor('jobs_done', { name: 'Jobs done', value_template: '{{ value_json.jobs_done }}', state_class: 'total_increasing', icon: 'mdi:counter' }),
    sensor('gpu_telemetry', {
      name: 'GPU telemetry',
      value_template: '{{ value_json.telemetry.status }}',
      device_class: 'enum',
      options: [...TELEMETRY_STATUSES],
      json_attributes_topic: t.state,
      json_attributes_template: '{{ value_json.telemetry | tojson }}',
      entity_category: 'diagnostic',
      icon: 'mdi:chart-line',
    }),
    haButton(id('suspend'), {
      name: 'Suspend',
      unique_id: id('suspend'),
      command_topic: t.command('suspend'),
      payload_press: PRESS,
      availability,
      icon: 'mdi:power-sleep',
    }),
    haButton(id('restart_worker'), {
      name: 'Restart worker',
      unique_id: id('restart_worker'),
      command_topic: t.command('restart-worker'),
      payload_press: PRESS,
      device_class: 'restart',
      entity_category: 'config',
      availability,
    }),
    haButton(id('free_vram'), {
      name: 'Free VRAM',
      unique_id: id('free_vram'),
      command_topic: t.command('free-vram'),
      payload_press: PRESS,
      entity_category: 'config',
      availability,
      icon: 'mdi:broom',
    }),
    haSwitch(id('accepting_jobs'), {
      name: 'Accepting jobs',
      unique_id: id('accepting_jobs'),
      command_topic: t.command('accepting'),
      state_topic: t.state,
      value_template: "{{ 'ON' if value_json.accepting else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
      availability,
      icon: 'mdi:tray-arrow-down',
    }),
    haEvent(id('job'), {
      name: 'Job',
      unique_id: id('job'),
      state_topic: t.event,
      event_types: [...JOB_EVENT_TYPES],
      availability,
      icon: 'mdi:briefcase-check',
    }),
  ];

  for (const { index } of gpus) {
    const g = `.gpus.${gpuStateKey(index)}`;
    for (const m of GPU_METRICS) {
      entities.push(
        sensor(`gpu${index}_${m.key}`, { name: `GPU ${index} ${m.label}`, value_template: fromState(`${g}.${GPU_STATE_KEYS[m.field]}`), ...m.extra }),
      );
    }
    entities.push(
      sensor(`gpu${index}_throttle`, {
        name: `GPU ${index} throttle reasons`,
        // A comma list fits HA's 255-char state; the list itself is an attribute for automations.
        value_template: `{{ (value_json${g}.throttle_reasons or ['none']) | join(', ') if value_json${g}.throttle_reasons is not none else 'None' }}`,
        json_attributes_topic: t.state,
        // A field the driver does not report is absent from the state JSON; default(none) keeps tojson from failing on it.
        json_attributes_template: `{{ {'reasons': value_json${g}.throttle_reasons | default(none), 'name': value_json${g}.name | default(none), 'uuid': value_json${g}.uuid | default(none)} | tojson }}`,
        entity_category: 'diagnostic',
        icon: 'mdi:speedometer-slow',
      }),
    );
  }
  return entities;
}

/** GpuSample field -> key in the state JSON (snake_case, as HA templates read it). */
export const GPU_STATE_KEYS: Record<keyof GpuSample, string> = {
  index: 'index',
  uuid: 'uuid',
  name: 'name',
  utilizationPercent: 'utilization_percent',
  memoryUsedMiB: 'memory_used_mib',
  memoryTotalMiB: 'memory_total_mib',
  temperatureC: 'temperature_c',
  powerDrawW: 'power_draw_w',
  powerLimitW: 'power_limit_w',
  fanPercent: 'fan_percent',
  clockGraphicsMHz: 'clock_graphics_mhz',
  clockMemoryMHz: 'clock_memory_mhz',
  pstate: 'pstate',
  throttleReasons: 'throttle_reasons',
};
