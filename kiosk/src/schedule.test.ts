import { describe, expect, it } from 'vitest';
import { isScheduledNight, shiftAt } from './schedule.js';

const at = (hh: number, mm: number) => new Date(2025, 0, 15, hh, mm);
const night = { from: '22:00', to: '06:30', scheduled: true, brightness: 0.3 };

describe('night schedule', () => {
  it('spans midnight when from is after to', () => {
    expect(isScheduledNight(night, at(21, 59))).toBe(false);
    expect(isScheduledNight(night, at(22, 0))).toBe(true);
    expect(isScheduledNight(night, at(3, 0))).toBe(true);
    expect(isScheduledNight(night, at(6, 29))).toBe(true);
    expect(isScheduledNight(night, at(6, 30))).toBe(false);
  });

  it('works within one day, and is off when unscheduled or from equals to', () => {
    const nap = { ...night, from: '13:00', to: '15:00' };
    expect(isScheduledNight(nap, at(12, 59))).toBe(false);
    expect(isScheduledNight(nap, at(14, 0))).toBe(true);
    expect(isScheduledNight(nap, at(15, 0))).toBe(false);
    expect(isScheduledNight({ ...night, scheduled: false }, at(23, 0))).toBe(false);
    expect(isScheduledNight({ ...night, to: '22:00' }, at(23, 0))).toBe(false);
  });
});

describe('burn-in shift', () => {
  it('stays within the limit and moves the layout to many different places', () => {
    const seen = new Set<string>();
    for (let n = 0; n < 200; n++) {
      const { x, y } = shiftAt(n, 8);
      expect(Math.hypot(x, y)).toBeLessThanOrEqual(8.8);
      seen.add(`${x},${y}`);
    }
    expect(seen.size).toBeGreaterThan(40);
    expect(shiftAt(5, 0)).toEqual({ x: 0, y: 0 });
  });
});
