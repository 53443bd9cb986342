import type { Db } from '../db/database.js';

export interface ThrottlePolicy {
  /** Failures allowed before a lockout. */
  maxFailures: number;
  /** First lockout; each further lockout doubles it, up to maxLockMs. */
  baseLockMs: number;
  maxLockMs: number;
  /** After this long without failures, a key starts afresh. */
  forgetAfterMs: number;
  /** Failures from all addresses together before the account itself locks (default 4 × maxFailures). */
  accountMaxFailures?: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailures: 5, baseLockMs: 30_000, maxLockMs: 60 * 60_000, forgetAfterMs: 24 * 60 * 60_000 };

interface Row {
  key: string;
  failures: number;
  lockouts: number;
  locked_until: number;
  last_failure_at: number;
}

/**
 * Login throttling per IP, per (account, IP) and per account, with a lockout that grows each time it is earned.
 * Kept in SQLite so a restart is not a way around it.
 */
export class LoginThrottle {
  /** `clock` is injected so tests move time instead of sleeping through lockouts. */
  constructor(
    private readonly db: Db,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Milliseconds until any of the keys may try again; 0 when none is locked. */
  retryAfterMs(keys: string[], now = this.clock()): number {
    let wait = 0;
    for (const key of keys) {
      const row = this.row(key);
      if (row && row.locked_until > now) wait = Math.max(wait, row.locked_until - now);
    }
    return wait;
  }

  /** Record a failure on each key; returns the lockout in ms if this failure earned one. */
  fail(keys: string[], now = this.clock()): number {
    let lockedFor = 0;
    this.db.transaction(() => {
      for (const key of keys) {
        const prev = this.row(key);
        const fresh = !prev || now - prev.last_failure_at > this.policy.forgetAfterMs;
        let failures = fresh ? 1 : prev.failures + 1;
        let lockouts = fresh ? 0 : prev.lockouts;
        let lockedUntil = fresh ? 0 : prev.locked_until;
        if (failures >= this.limitFor(key)) {
          const ms = Math.min(this.policy.baseLockMs * 2 ** lockouts, this.policy.maxLockMs);
          lockedUntil = now + ms;
          lockouts += 1;
          failures = 0;
          lockedFor = Math.max(lockedFor, ms);
        }
        this.db
          .prepare(
            'INSERT INTO login_throttle (key, failures, lockouts, locked_until, last_failure_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET failures = excluded.failures, lockouts = excluded.lockouts, locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at',
          )
          .run(key, failures, lockouts, lockedUntil, now);
      }
    })();
    return lockedFor;
  }

  /** An account-wide key (`user:…`) tolerates more failures: they come from every address together. */
  private limitFor(key: string): number {
    return key.startsWith('user:') ? (this.policy.accountMaxFailures ?? this.policy.maxFailures * 4) : this.policy.maxFailures;
  }

  succeed(keys: string[]): void {
    const del = this.db.prepare('DELETE FROM login_throttle WHERE key = ?');
    for (const key of keys) del.run(key);
  }

  private row(key: string): Row | undefined {
    return this.db.prepare<[string], Row>('SELECT * FROM login_throttle WHERE key = ?').get(key);
  }
}
