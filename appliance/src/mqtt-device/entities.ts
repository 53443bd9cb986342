import { CAPABILITIES, applianceTopics, haButton, haSelect, haSensor, haSwitch, type Capability, type HaAvailability, type HaEntity } from '@hearth/protocol';

export const PRESS = 'PRESS';

/** Command sub-topics under `hearth/appliance/cmd/`. */
export const COMMAND = {
  preset: (id: number) => `preset/${id}`,
  nightMode: 'kiosk/night_mode',
  page: 'kiosk/page',
  screen: 'kiosk/screen',
  wake: 'kiosk/wake',
  /** ON/OFF from an automation, held like a motion sensor (no entity: `mqtt.publish` it). */
  presence: 'kiosk/presence',
} as const;

/** HA object ids (and so entity ids): the package, blueprints and README refer to these names. */
export const OBJECT_ID = {
  queue: (c: Capability) => `hearth_queue_${c}`,
  waitingForGpu: 'hearth_jobs_waiting_for_gpu',
  agentsOnline: 'hearth_agents_online',
  preset: (id: number) => `hearth_preset_${id}`,
  nightMode: 'hearth_kiosk_night_mode',
  page: 'hearth_kiosk_page',
  screen: 'hearth_kiosk_screen',
  wake: 'hearth_kiosk_wake',
  mode: 'hearth_kiosk_mode',
} as const;

export interface EntityInputs {
  presets: ReadonlyArray<{ id: number; name: string }>;
  kioskPages: readonly string[];
}

/** Every entity the appliance exposes in Home Assistant, given the presets admins have defined. */
export function applianceEntities(inputs: EntityInputs): HaEntity[] {
  const t = applianceTopics();
  const availability: HaAvailability[] = [{ topic: t.availability, payload_available: 'online', payload_not_available: 'offline' }];
  const count = (objectId: string, name: string, key: string, unit: string, icon: string) =>
    haSensor(objectId, {
      name,
      unique_id: objectId,
      state_topic: t.state,
      value_template: `{{ value_json.${key} }}`,
      unit_of_measurement: unit,
      state_class: 'measurement',
      availability,
      icon,
    });

  return [
    ...CAPABILITIES.map((c) => count(OBJECT_ID.queue(c), `Queue ${c}`, `queue.${c}`, 'jobs', 'mdi:tray-full')),
    count(OBJECT_ID.waitingForGpu, 'Jobs waiting for GPU', 'jobs_waiting_for_gpu', 'jobs', 'mdi:timer-sand'),
    count(OBJECT_ID.agentsOnline, 'Agents online', 'agents_online', 'agents', 'mdi:expansion-card'),
    ...inputs.presets.map((p) =>
      haButton(OBJECT_ID.preset(p.id), {
        name: `Preset ${p.name}`,
        unique_id: OBJECT_ID.preset(p.id),
        command_topic: t.command(COMMAND.preset(p.id)),
        payload_press: PRESS,
        availability,
        icon: 'mdi:play-box',
      }),
    ),
    haSwitch(OBJECT_ID.nightMode, {
      name: 'Kiosk night mode',
      unique_id: OBJECT_ID.nightMode,
      command_topic: t.command(COMMAND.nightMode),
      state_topic: t.state,
      value_template: "{{ 'ON' if value_json.kiosk_night_mode else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
      availability,
      icon: 'mdi:weather-night',
    }),
    haSelect(OBJECT_ID.page, {
      name: 'Kiosk page',
      unique_id: OBJECT_ID.page,
      command_topic: t.command(COMMAND.page),
      options: [...inputs.kioskPages],
      state_topic: t.state,
      value_template: '{{ value_json.kiosk_page }}',
      availability,
      icon: 'mdi:monitor-dashboard',
    }),
    haSwitch(OBJECT_ID.screen, {
      name: 'Kiosk screen',
      unique_id: OBJECT_ID.screen,
      command_topic: t.command(COMMAND.screen),
      state_topic: t.state,
      value_template: "{{ 'ON' if value_json.kiosk_screen else 'OFF' }}",
      payload_on: 'ON',
      payload_off: 'OFF',
      availability,
      icon: 'mdi:monitor',
    }),
    haButton(OBJECT_ID.wake, {
      name: 'Kiosk wake',
      unique_id: OBJECT_ID.wake,
      command_topic: t.command(COMMAND.wake),
      payload_press: PRESS,
      availability,
      icon: 'mdi:motion-sensor',
    }),
    haSensor(OBJECT_ID.mode, {
      name: 'Kiosk mode',
      unique_id: OBJECT_ID.mode,
      state_topic: t.state,
      value_template: '{{ value_json.kiosk_mode }}',
      availability,
      icon: 'mdi:monitor-eye',
    }),
  ];
}
