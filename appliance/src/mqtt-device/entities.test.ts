import { describe, expect, it } from 'vitest';
import { componentDiscoveryMessages, HA_DISCOVERY_PREFIX, planDiscovery } from '@hearth/protocol';
import { applianceEntities } from './entities.js';

const discovery = (presets: Array<{ id: number; name: string }>) => ({
  prefix: HA_DISCOVERY_PREFIX,
  nodeId: 'hearth_appliance',
  device: { identifiers: ['hearth_appliance'], name: 'Hearth' },
  origin: { name: 'hearth-appliance' },
  entities: applianceEntities({ presets, kioskPages: ['home', 'photos'] }),
});

describe('appliance entities and their discovery', () => {
  it('has the documented object ids, one button per preset', () => {
    const ids = discovery([{ id: 4, name: 'Birthday card' }]).entities.map((e) => `${e.component}.${e.objectId}`);
    expect(ids).toEqual([
      'sensor.hearth_queue_builtin',
      'sensor.hearth_queue_comfyui',
      'sensor.hearth_queue_llm',
      'sensor.hearth_queue_speech',
      'sensor.hearth_queue_video',
      'sensor.hearth_jobs_waiting_for_gpu',
      'sensor.hearth_agents_online',
      'button.hearth_preset_4',
      'switch.hearth_kiosk_night_mode',
      'select.hearth_kiosk_page',
      'switch.hearth_kiosk_screen',
      'button.hearth_kiosk_wake',
      'sensor.hearth_kiosk_mode',
    ]);
    const messages = componentDiscoveryMessages(discovery([{ id: 4, name: 'Birthday card' }]));
    const button = JSON.parse(messages.find((m) => m.topic === 'homeassistant/button/hearth_appliance/hearth_preset_4/config')!.payload);
    expect(button).toMatchObject({ name: 'Preset Birthday card', command_topic: 'hearth/appliance/cmd/preset/4', payload_press: 'PRESS' });
  });

  it('names follow the has_entity_name convention of HA: no device name in them (HA prefixes "Hearth")', () => {
    for (const e of discovery([{ id: 4, name: 'Birthday card' }]).entities) {
      expect(e.config.name, e.objectId).toBeTruthy();
      expect(e.config.name!.toLowerCase().startsWith('hearth'), e.objectId).toBe(false);
    }
  });

  it('a deleted preset: its retained config is cleared, the rest re-published', () => {
    const before = planDiscovery(
      null,
      discovery([
        { id: 1, name: 'A' },
        { id: 2, name: 'B' },
      ]),
      'component',
    ).record;
    const { messages, record } = planDiscovery(before, discovery([{ id: 2, name: 'B' }]), 'component');
    expect(messages.filter((m) => m.payload === '').map((m) => m.topic)).toEqual(['homeassistant/button/hearth_appliance/hearth_preset_1/config']);
    expect(record.entities.map((e) => e.objectId)).not.toContain('hearth_preset_1');
  });

  it('device mode: one payload, the deleted preset sent with only its platform', () => {
    const before = planDiscovery(null, discovery([{ id: 1, name: 'A' }]), 'device').record;
    const { messages } = planDiscovery(before, discovery([]), 'device');
    expect(messages).toHaveLength(1);
    expect(JSON.parse(messages[0]!.payload).cmps.hearth_preset_1).toEqual({ p: 'button' });
  });
});
