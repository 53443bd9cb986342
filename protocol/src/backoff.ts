/** How long to wait before try `n` (1 = the first retry): doubling from `baseMs`, capped at `maxMs`, ±25 % jitter. */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export function backoffDelay(n: number, b: Backoff, random: () => number = Math.random): number {
  const raw = Math.min(b.maxMs, b.baseMs * 2 ** Math.max(0, Math.min(n - 1, 30)));
  return Math.round(raw * (0.75 + random() / 2));
}
