import { describe, expect, it } from 'vitest';
import { DomainBus } from './domain-bus.js';

describe('DomainBus', () => {
  it('delivers each event to its subscribers, in order, with the payload as published', () => {
    const bus = new DomainBus();
    const seen: string[] = [];
    bus.on('device.revoked', ({ deviceId }) => seen.push(`a:${deviceId}`));
    bus.on('device.revoked', ({ deviceId }) => seen.push(`b:${deviceId}`));
    bus.on('settings.changed', ({ section }) => seen.push(`settings:${section}`));
    bus.emit('device.revoked', { deviceId: 7 });
    bus.emit('settings.changed', { section: 'jobs' });
    expect(seen).toEqual(['a:7', 'b:7', 'settings:jobs']);
  });

  it('a listener that throws is reported and neither stops the publisher nor the other listeners', () => {
    const errors: Array<[string, string]> = [];
    const bus = new DomainBus((event, err) => errors.push([event, (err as Error).message]));
    const seen: number[] = [];
    bus.on('user.sessionsEnded', () => { throw new Error('boom'); });
    bus.on('user.sessionsEnded', ({ userId }) => seen.push(userId));
    expect(() => bus.emit('user.sessionsEnded', { userId: 3, reason: 'disabled', sessions: 1 })).not.toThrow();
    expect(seen).toEqual([3]);
    expect(errors).toEqual([['user.sessionsEnded', 'boom']]);
  });

  it('unsubscribing stops delivery to that listener only', () => {
    const bus = new DomainBus();
    const seen: string[] = [];
    const off = bus.on('kiosk.controlChanged', (s) => seen.push(`first:${s.page}`));
    bus.on('kiosk.controlChanged', (s) => seen.push(`second:${s.page}`));
    off();
    bus.emit('kiosk.controlChanged', { nightMode: false, page: 'photos' });
    expect(seen).toEqual(['second:photos']);
    expect(bus.listenerCount('kiosk.controlChanged')).toBe(1);
  });
});
