import { describe, expect, it } from 'vitest';
import type { KioskCameraEvent } from '@hearth/protocol';
import { Doorbell } from './doorbell.js';

const bell = (entityId: string) => {
  const rings: KioskCameraEvent[] = [];
  const d = new Doorbell((c) => rings.push(c));
  d.configure({ entityId, cameraEntityId: 'camera.front_door', showS: 20 });
  return { d, rings };
};

describe('the doorbell', () => {
  it('a binary_sensor rings when it turns on, not while it stays on, not from unavailable', () => {
    const { d, rings } = bell('binary_sensor.doorbell');
    d.state('binary_sensor.doorbell', 'off');
    d.state('binary_sensor.doorbell', 'on');
    d.state('binary_sensor.doorbell', 'on');
    d.state('binary_sensor.doorbell', 'unavailable');
    d.state('binary_sensor.doorbell', 'off');
    d.state('binary_sensor.other', 'on');
    expect(rings).toEqual([{ cameraEntityId: 'camera.front_door', showS: 20 }]);
  });

  it('an event entity rings on each new event, not on the first state it is seen with (a restart)', () => {
    const { d, rings } = bell('event.doorbell');
    d.state('event.doorbell', '2026-11-25T18:00:00.000+00:00');
    d.state('event.doorbell', '2026-11-25T18:05:00.000+00:00');
    d.state('event.doorbell', 'unavailable');
    d.state('event.doorbell', '2026-11-25T18:06:00.000+00:00');
    expect(rings).toHaveLength(2);
  });

  it('rings for nothing once no doorbell is set', () => {
    const { d, rings } = bell('binary_sensor.doorbell');
    d.configure(undefined);
    d.state('binary_sensor.doorbell', 'on');
    expect(rings).toEqual([]);
    expect(d.camera).toBeUndefined();
  });
});
