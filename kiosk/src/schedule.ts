import type { KioskLayout } from './types.js';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Night by the clock: [from, to) in local time, across midnight when from > to. Equal = never. */
export function isScheduledNight(night: KioskLayout['night'], now: Date): boolean {
  if (!night.scheduled) return false;
  const from = minutes(night.from);
  const to = minutes(night.to);
  const m = now.getHours() * 60 + now.getMinutes();
  if (from === to) return false;
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/**
 * The burn-in shift for step `n`: walks a ring of offsets within ±max px, so every pixel of a
 * static edge spends about as long lit as dark and the layout never wanders off screen.
 */
export function shiftAt(n: number, max: number): { x: number; y: number } {
  if (max === 0) return { x: 0, y: 0 };
  const angle = (n * 137.508 * Math.PI) / 180; // golden angle: no short repeating pattern
  const r = max * Math.sqrt(((n * 7) % 16) / 15);
  return { x: Math.round(Math.cos(angle) * r), y: Math.round(Math.sin(angle) * r) };
}
