import type { HomeAssistant } from './home-assistant.js';
import type { HaVersion } from './runtime.js';

/**
 * A small house for tests that drive real entities: a kitchen light (a template light backed by
 * `input_boolean.kitchen_power`, so its state can be changed from HA's side too) and a front-door
 * lock, as `light.kitchen` and `lock.front_door` on every version. Load it with
 * `startHomeAssistant({ version, packages: { house: sampleHouse(version) } })`.
 */
export function sampleHouse(version: HaVersion): string {
  return version === '2024.3.3' ? LEGACY_TEMPLATE_HOUSE : TEMPLATE_HOUSE;
}

const POWER = 'input_boolean.kitchen_power';
const HELPER = `
input_boolean:
  kitchen_power:
    name: Kitchen power
`;

/** HA 2024.3 has template lights and locks only as platforms of light: and lock:. */
const LEGACY_TEMPLATE_HOUSE = `${HELPER}
light:
  - platform: template
    lights:
      kitchen:
        unique_id: hearth_test_kitchen_light
        friendly_name: Kitchen light
        value_template: "{{ is_state('${POWER}', 'on') }}"
        turn_on:
          service: input_boolean.turn_on
          target:
            entity_id: ${POWER}
        turn_off:
          service: input_boolean.turn_off
          target:
            entity_id: ${POWER}
lock:
  - platform: template
    name: Front door
    unique_id: hearth_test_front_door
    optimistic: true
    value_template: "{{ 'locked' }}"
    lock:
      service: input_boolean.turn_on
      target:
        entity_id: ${POWER}
    unlock:
      service: input_boolean.turn_off
      target:
        entity_id: ${POWER}
`;

/** HA 2026 accepts them only under template: (the platform form was removed). */
const TEMPLATE_HOUSE = `${HELPER}
template:
  - light:
      - name: Kitchen light
        unique_id: hearth_test_kitchen_light
        default_entity_id: light.kitchen
        state: "{{ is_state('${POWER}', 'on') }}"
        turn_on:
          - action: input_boolean.turn_on
            target:
              entity_id: ${POWER}
        turn_off:
          - action: input_boolean.turn_off
            target:
              entity_id: ${POWER}
    lock:
      - name: Front door
        unique_id: hearth_test_front_door
        default_entity_id: lock.front_door
        optimistic: true
        state: "{{ 'locked' }}"
        lock:
          - action: input_boolean.turn_on
            target:
              entity_id: ${POWER}
        unlock:
          - action: input_boolean.turn_off
            target:
              entity_id: ${POWER}
`;

/** Put an entity in a named area (onboarding makes Living Room, Kitchen and Bedroom; others are created). */
export async function placeInArea(ha: HomeAssistant, entityId: string, areaName: string): Promise<void> {
  const areas = await ha.sendWs<Array<{ area_id: string; name: string }>>({ type: 'config/area_registry/list' });
  const area = areas.find((a) => a.name === areaName) ?? (await ha.sendWs<{ area_id: string }>({ type: 'config/area_registry/create', name: areaName }));
  await ha.sendWs({ type: 'config/entity_registry/update', entity_id: entityId, area_id: area.area_id });
}
