import { describe, expect, it } from 'vitest';
import { planDiscovery, type HaDeviceDiscovery } from '@hearth/protocol';
import { agentEntities } from './entities.js';

const device = (gpus: number[]): HaDeviceDiscovery => ({
  prefix: 'homeassistant',
  nodeId: 'hearth_pc',
  device: { identifiers: ['hearth_agent_pc'], name: 'PC' },
  origin: { name: 'hearth-gpu-agent' },
  entities: agentEntities(
    'pc',
    gpus.map((index) => ({ index })),
  ),
});

describe('discovery plan', () => {
  it('publishes every entity per component and records them', () => {
    const { messages, record } = planDiscovery(null, device([0]), 'component');
    expect(messages.every((m) => m.payload !== '')).toBe(true);
    expect(messages.map((m) => m.topic)).toContain('homeassistant/sensor/hearth_pc/hearth_pc_gpu0_temperature/config');
    expect(record.entities).toHaveLength(messages.length);
  });

  it('clears the configs of a GPU that disappeared', () => {
    const before = planDiscovery(null, device([0, 1]), 'component').record;
    const { messages } = planDiscovery(before, device([0]), 'component');
    const cleared = messages.filter((m) => m.payload === '').map((m) => m.topic);
    expect(cleared).toHaveLength(11);
    expect(cleared.every((t) => t.includes('/hearth_pc_gpu1_'))).toBe(true);
  });

  it('device mode: one payload; removed components sent with only their platform', () => {
    const before = planDiscovery(null, device([0, 1]), 'device').record;
    const { messages } = planDiscovery(before, device([0]), 'device');
    expect(messages).toHaveLength(1);
    const payload = JSON.parse(messages[0]!.payload);
    expect(messages[0]!.topic).toBe('homeassistant/device/hearth_pc/config');
    expect(payload.cmps.hearth_pc_gpu1_fan).toEqual({ p: 'sensor' });
    expect(payload.cmps.hearth_pc_gpu0_fan).toMatchObject({ p: 'sensor', unique_id: 'hearth_pc_gpu0_fan', default_entity_id: 'sensor.hearth_pc_gpu0_fan' });
  });

  it('switching modes clears what the other mode published', () => {
    const asComponents = planDiscovery(null, device([0]), 'component').record;
    const toDevice = planDiscovery(asComponents, device([0]), 'device').messages;
    expect(toDevice.filter((m) => m.payload === '')).toHaveLength(asComponents.entities.length);
    const asDevice = planDiscovery(null, device([0]), 'device').record;
    const toComponents = planDiscovery(asDevice, device([0]), 'component').messages;
    expect(toComponents.filter((m) => m.payload === '').map((m) => m.topic)).toEqual(['homeassistant/device/hearth_pc/config']);
  });
});
