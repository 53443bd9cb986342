import type { HomeAssistant } from './home-assistant.js';

/**
 * A small house for tests that drive real entities: a kitchen light (a template light backed by
 * `input_boolean.kitchen_power`, so its state can be changed from HA's side too) and a front-door
 * lock. Load it with `startHomeAssistant({ packages: { house: SAMPLE_HOUSE } })`.
 */
export const SAMPLE_HOUSE = `
input_boolean:
  kitchen_power:
    name: Kitchen power
light:
  - platform: template
    lights:
      kitchen:
        unique_id: hearth_test_kitchen_light
        friendly_name: Kitchen light
        value_template: "{{ is_state('input_boolean.kitchen_power', 'on') }}"
        turn_on:
          service: input_boolean.turn_on
          target:
            entity_id: input_boolean.kitchen_power
        turn_off:
          service: input_boolean.turn_off
          target:
            entity_id: input_boolean.kitchen_power
lock:
  - platform: template
    name: Front door
    unique_id: hearth_test_front_door
    optimistic: true
    value_template: "{{ 'locked' }}"
    lock:
      service: input_boolean.turn_on
      target:
        entity_id: input_boolean.kitchen_power
    unlock:
      service: input_boolean.turn_off
      target:
        entity_id: input_boolean.kitchen_power
`;

/** Put an entity in a named area (onboarding makes Living Room, Kitchen and Bedroom; others are created). */
export async function placeInArea(ha: HomeAssistant, entityId: string, areaName: string): Promise<void> {
  const areas = await ha.sendWs<Array<{ area_id: string; name: string }>>({ type: 'config/area_registry/list' });
  const area = areas.find((a) => a.name === areaName) ?? (await ha.sendWs<{ area_id: string }>({ type: 'config/area_registry/create', name: areaName }));
  await ha.sendWs({ type: 'config/entity_registry/update', entity_id: entityId, area_id: area.area_id });
}
