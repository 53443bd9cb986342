import { describe, expect, it } from 'vitest';
import type { KioskPresenceSettings, KioskPresenceState } from '@hearth/protocol';
import { MQTT_PRESENCE, PresenceMachine, type PresenceClock } from './presence.js';

/** A clock that moves only when the test says so, firing due timers in order. */
class FakeClock implements PresenceClock {
  t = 1_000_000;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  now = () => this.t;
  timer = (fn: () => void, ms: number) => {
    const entry = { at: this.t + ms, fn, live: true };
    this.timers.push(entry);
    return () => {
      entry.live = false;
    };
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.live && x.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      this.t = due.at;
      due.fn();
    }
    this.t = end;
    this.timers = this.timers.filter((x) => x.live);
  }
  get pending(): number {
    return this.timers.filter((x) => x.live).length;
  }
}

const MOTION = 'binary_sensor.hall_motion';
const SETTINGS: KioskPresenceSettings = { enabled: true, entityIds: [MOTION, 'binary_sensor.sofa'], minOnS: 60, photosAfterS: 120, offAfterS: 600 };

function machine(settings: KioskPresenceSettings = SETTINGS) {
  const clock = new FakeClock();
  const changes: KioskPresenceState[] = [];
  const m = new PresenceMachine(clock, (s) => changes.push(s));
  m.configure(settings);
  return { clock, m, changes, modes: () => changes.map((c) => c.mode) };
}

describe('the wall’s presence state machine (fake clock)', () => {
  it('starts awake, dims to the photo frame after photosAfterS and goes dark after offAfterS without anyone', () => {
    const { clock, m, modes } = machine();
    expect(m.get().mode).toBe('awake');
    clock.advance(119_999);
    expect(m.get().mode).toBe('awake');
    clock.advance(1);
    expect(m.get()).toEqual({ mode: 'photos', present: false, since: clock.t });
    clock.advance(480_000);
    expect(m.get().mode).toBe('off');
    expect(modes()).toEqual(['photos', 'off']);
    expect(clock.pending).toBe(0); // dark is final until someone comes
  });

  it('wakes the moment a sensor turns on, stays awake while anyone is there, and counts from when the last one left', () => {
    const { clock, m, changes } = machine();
    clock.advance(600_000);
    expect(m.get().mode).toBe('off');
    m.sensor(MOTION, true);
    expect(m.get()).toMatchObject({ mode: 'awake', present: true, since: clock.t });
    m.sensor('binary_sensor.sofa', true);
    m.sensor(MOTION, false);
    clock.advance(3_600_000); // the sofa is still occupied
    expect(m.get().mode).toBe('awake');
    m.sensor('binary_sensor.sofa', false);
    clock.advance(119_000);
    expect(m.get().mode).toBe('awake');
    clock.advance(1000);
    expect(m.get().mode).toBe('photos');
    expect(changes.map((c) => [c.mode, c.present])).toEqual([
      ['photos', false],
      ['off', false],
      ['awake', true],
      ['awake', false],
      ['photos', false],
    ]);
  });

  it('keeps a passer-by’s wake for the minimum on-time even when the photo frame would be due sooner', () => {
    const { clock, m } = machine({ ...SETTINGS, minOnS: 300, photosAfterS: 10, offAfterS: 20 });
    clock.advance(299_999); // the minimum on-time holds from boot too
    expect(m.get().mode).toBe('awake');
    clock.advance(1);
    expect(m.get().mode).toBe('off');
    m.sensor(MOTION, true);
    clock.advance(2000);
    m.sensor(MOTION, false); // gone after two seconds
    clock.advance(297_999);
    expect(m.get().mode).toBe('awake');
    clock.advance(1);
    // Both timeouts are long past: off wins.
    expect(m.get().mode).toBe('off');
  });

  it('a wake command acts as a blink of presence; the screen switch OFF darkens at once until someone comes', () => {
    const { clock, m } = machine();
    clock.advance(200_000);
    expect(m.get().mode).toBe('photos');
    m.wake();
    expect(m.get().mode).toBe('awake');
    clock.advance(119_000);
    expect(m.get().mode).toBe('awake');
    m.sleep();
    expect(m.get().mode).toBe('off');
    clock.advance(10 * 3_600_000);
    expect(m.get().mode).toBe('off');
    m.sensor(MOTION, true);
    expect(m.get().mode).toBe('awake');
  });

  it('HA automations can hold presence over MQTT like a sensor', () => {
    const { clock, m } = machine({ ...SETTINGS, entityIds: [] });
    m.sensor(MQTT_PRESENCE, true);
    clock.advance(3_600_000);
    expect(m.get()).toMatchObject({ mode: 'awake', present: true });
    m.sensor(MQTT_PRESENCE, false);
    clock.advance(120_000);
    expect(m.get().mode).toBe('photos');
  });

  it('ignores entities it was not told to watch, and forgets sensors removed from the settings', () => {
    const { clock, m } = machine();
    m.sensor('binary_sensor.garage', true);
    expect(m.get().present).toBe(false);
    m.sensor(MOTION, true);
    m.configure({ ...SETTINGS, entityIds: ['binary_sensor.sofa'] });
    expect(m.get().present).toBe(false);
    clock.advance(120_000);
    expect(m.get().mode).toBe('photos');
  });

  it('without presence switched on the wall stays awake (HA’s switch can still darken it)', () => {
    const { clock, m } = machine({ ...SETTINGS, enabled: false });
    clock.advance(86_400_000);
    expect(m.get().mode).toBe('awake');
    m.sleep();
    expect(m.get().mode).toBe('off');
    m.wake();
    expect(m.get().mode).toBe('awake');
  });

  it('photosAfterS 0 never dims: it goes straight to dark', () => {
    const { clock, m, modes } = machine({ ...SETTINGS, photosAfterS: 0 });
    clock.advance(600_000);
    expect(modes()).toEqual(['off']);
    expect(m.get().mode).toBe('off');
  });
});
