import type { Db } from '../db/database.js';

import type { Session } from 'fastify';
import type {} from './sessions.js';

type StoredSession = Session;
type Callback = (err?: unknown) => void;
type GetCallback = (err: unknown, session?: StoredSession | null) => void;

/**
 * @fastify/session store on the appliance's SQLite file, so sessions survive restarts. The
 * user id is kept in its own column so "log out everywhere" and disabling a user can end all of
 * a user's sessions with one statement.
 */
export class SqliteSessionStore {
  private readonly stmts;

  constructor(
    db: Db,
    private readonly fallbackTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.stmts = {
      get: db.prepare<[string, number], { data: string }>('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?'),
      set: db.prepare(
        'INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at',
      ),
      destroy: db.prepare('DELETE FROM sessions WHERE sid = ?'),
      destroyUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      sweep: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  get = (sid: string, cb: GetCallback): void => {
    try {
      const row = this.stmts.get.get(sid, this.now());
      cb(null, row ? (JSON.parse(row.data) as StoredSession) : null);
    } catch (err) {
      cb(err);
    }
  };

  set = (sid: string, session: StoredSession, cb: Callback): void => {
    try {
      const expires = session.expiresAt ?? this.now() + this.fallbackTtlMs;
      this.stmts.set.run(sid, session.userId ?? null, JSON.stringify(session), expires);
      cb();
    } catch (err) {
      cb(err);
    }
  };

  destroy = (sid: string, cb: Callback): void => {
    try {
      this.stmts.destroy.run(sid);
      cb();
    } catch (err) {
      cb(err);
    }
  };

  /** End every session of a user; returns how many ended. */
  destroyAllForUser(userId: number): number {
    return this.stmts.destroyUser.run(userId).changes;
  }

  sweepExpired(): number {
    return this.stmts.sweep.run(this.now()).changes;
  }
}
