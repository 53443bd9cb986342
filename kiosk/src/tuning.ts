/**
 * Timings, normally from the layout. `?slideMs=…&shiftMs=…&staleMs=…&pollMs=…&calendarMs=…` in the page URL
 * overrides them — only for tests and benchmarks, which cannot wait minutes per step.
 */
export interface Tuning {
  slideMs?: number;
  shiftMs?: number;
  staleMs?: number;
  pollMs?: number;
  calendarMs?: number;
}

export function readTuning(search: string): Tuning {
  const q = new URLSearchParams(search);
  const num = (k: string) => {
    const v = Number(q.get(k));
    return Number.isFinite(v) && v > 0 ? v : undefined;
  };
  return { slideMs: num('slideMs'), shiftMs: num('shiftMs'), staleMs: num('staleMs'), pollMs: num('pollMs'), calendarMs: num('calendarMs') };
}
