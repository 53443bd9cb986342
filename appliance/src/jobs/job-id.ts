import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lowercase

/**
 * Sortable job ids (ULID-like): 10 characters of milliseconds, then 16 of randomness that
 * counts up within one millisecond, so ids sort in creation order and pages can use `before=<id>`.
 */
export class JobIds {
  private lastMs = 0;
  private lastRandom: number[] = [];

  next(now = Date.now()): string {
    if (now <= this.lastMs) {
      this.increment();
    } else {
      this.lastMs = now;
      this.lastRandom = [...randomBytes(16)].map((b) => b & 31);
    }
    let time = '';
    for (let t = this.lastMs, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
    return time + this.lastRandom.map((d) => ALPHABET[d]).join('');
  }

  private increment(): void {
    for (let i = this.lastRandom.length - 1; i >= 0; i--) {
      if (this.lastRandom[i]! < 31) {
        this.lastRandom[i]! += 1;
        return;
      }
      this.lastRandom[i] = 0;
    }
  }
}
