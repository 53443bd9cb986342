import { describe, expect, it } from 'vitest';
import { TypedBus } from './typed-bus.js';

interface Events {
  revoked: { deviceId: number };
  settings: { section: string };
  ended: { userId: number };
}

describe('TypedBus', () => {
  it('delivers each event to its subscribers, in order, with the payload as published', () => {
    const bus = new TypedBus<Events>();
    const seen: string[] = [];
    bus.on('revoked', ({ deviceId }) => seen.push(`a:${deviceId}`));
    bus.on('revoked', ({ deviceId }) => seen.push(`b:${deviceId}`));
    bus.on('settings', ({ section }) => seen.push(`settings:${section}`));
    bus.emit('revoked', { deviceId: 7 });
    bus.emit('settings', { section: 'jobs' });
    expect(seen).toEqual(['a:7', 'b:7', 'settings:jobs']);
  });

  it('a listener that throws is reported and neither stops the publisher nor the other listeners', () => {
    const errors: Array<[string, string]> = [];
    const bus = new TypedBus<Events>((event, err) => errors.push([event, (err as Error).message]));
    const seen: number[] = [];
    bus.on('ended', () => {
      throw new Error('boom');
    });
    bus.on('ended', ({ userId }) => seen.push(userId));
    expect(() => bus.emit('ended', { userId: 3 })).not.toThrow();
    expect(seen).toEqual([3]);
    expect(errors).toEqual([['ended', 'boom']]);
  });

  it('unsubscribing stops delivery to that listener only, also while an event is being delivered', () => {
    const bus = new TypedBus<Events>();
    const seen: string[] = [];
    const off = bus.on('settings', (s) => seen.push(`first:${s.section}`));
    const offSelf = bus.on('settings', (s) => {
      seen.push(`once:${s.section}`);
      offSelf();
    });
    bus.on('settings', (s) => seen.push(`last:${s.section}`));
    off();
    bus.emit('settings', { section: 'a' });
    bus.emit('settings', { section: 'b' });
    expect(seen).toEqual(['once:a', 'last:a', 'last:b']);
    expect(bus.listenerCount('settings')).toBe(1);
  });

  it('the same function subscribed twice is called twice and unsubscribed one at a time', () => {
    const bus = new TypedBus<Events>();
    let calls = 0;
    const listener = () => calls++;
    const offFirst = bus.on('revoked', listener);
    bus.on('revoked', listener);
    bus.emit('revoked', { deviceId: 1 });
    offFirst();
    bus.emit('revoked', { deviceId: 1 });
    expect(calls).toBe(3);
  });
});
