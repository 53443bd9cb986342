import { describe, expect, it } from 'vitest';
import {
  componentDiscoveryMessages,
  deviceDiscoveryMessage,
  haButton,
  haSensor,
  parseComponentDiscoveryTopic,
  type HaDeviceDiscovery,
} from './ha-discovery.js';
import { chooseDiscoveryMode } from './ha-discovery-choice.js';

const d: HaDeviceDiscovery = {
  prefix: 'homeassistant',
  nodeId: 'hearth_appliance',
  device: { identifiers: ['hearth_appliance'], name: 'Hearth', manufacturer: 'Hearth', sw_version: '1.0', configuration_url: 'http://hearth.local' },
  origin: { name: 'hearth', sw_version: '1.0', support_url: 'http://hearth.local' },
  entities: [
    haSensor('hearth_queue', {
      name: 'Queue depth',
      unique_id: 'hearth_queue',
      state_topic: 'hearth/appliance/state',
      value_template: '{{ value_json.queue }}',
      state_class: 'measurement',
    }),
    haButton('hearth_preset_1', { name: 'Preset 1', unique_id: 'hearth_preset_1', command_topic: 'hearth/appliance/cmd/preset_1' }),
  ],
};

describe('HA discovery builders', () => {
  it('per-component: topic per entity, device + origin in each, object_id for HA ≤ 2025.9 and default_entity_id for later', () => {
    const msgs = componentDiscoveryMessages(d);
    expect(msgs.map((m) => m.topic)).toEqual([
      'homeassistant/sensor/hearth_appliance/hearth_queue/config',
      'homeassistant/button/hearth_appliance/hearth_preset_1/config',
    ]);
    const sensor = JSON.parse(msgs[0]!.payload);
    expect(sensor).toMatchObject({
      object_id: 'hearth_queue',
      default_entity_id: 'sensor.hearth_queue',
      unique_id: 'hearth_queue',
      device: d.device,
      origin: d.origin,
      state_class: 'measurement',
    });
  });

  it('device-based: one payload with dev, o and cmps keyed by object id', () => {
    const msg = deviceDiscoveryMessage(d);
    expect(msg.topic).toBe('homeassistant/device/hearth_appliance/config');
    const p = JSON.parse(msg.payload);
    expect(Object.keys(p).sort()).toEqual(['cmps', 'dev', 'o']);
    expect(p.cmps.hearth_preset_1).toMatchObject({
      p: 'button',
      command_topic: 'hearth/appliance/cmd/preset_1',
      default_entity_id: 'button.hearth_preset_1',
      object_id: 'hearth_preset_1',
    });
  });

  it('rejects ids HA cannot use in topics, and parses topics back', () => {
    expect(() => haSensor('bad id', { name: 'x', unique_id: 'x', state_topic: 't' })).toThrow(/object id/);
    expect(() => componentDiscoveryMessages({ ...d, nodeId: 'a/b' })).toThrow(/node id/);
    expect(parseComponentDiscoveryTopic('homeassistant', 'homeassistant/switch/n1/o1/config')).toEqual({ component: 'switch', nodeId: 'n1', objectId: 'o1' });
    expect(parseComponentDiscoveryTopic('homeassistant', 'homeassistant/light/n1/o1/config')).toBeNull();
    expect(parseComponentDiscoveryTopic('homeassistant', 'homeassistant/switch/o1/config')).toBeNull();
  });
});

describe('the discovery form chosen for an HA version', () => {
  it('device-based from HA 2024.11 when the setting is auto; per-component before and when unknown', () => {
    expect(chooseDiscoveryMode('auto', '2026.11.0')).toBe('device');
    expect(chooseDiscoveryMode('auto', '2024.11.0')).toBe('device');
    expect(chooseDiscoveryMode('auto', '2025.1.0b3')).toBe('device');
    expect(chooseDiscoveryMode('auto', '2024.10.4')).toBe('component');
    expect(chooseDiscoveryMode('auto', '2024.3.3')).toBe('component');
    expect(chooseDiscoveryMode('auto', null)).toBe('component');
    expect(chooseDiscoveryMode('auto', 'not a version')).toBe('component');
    expect(chooseDiscoveryMode('component', '2026.11.0')).toBe('component');
    expect(chooseDiscoveryMode('device', null)).toBe('device');
  });
});
