import { createHash, randomBytes } from 'node:crypto';
import type { UserRole } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export type LinkKind = 'invite' | 'reset';

export interface AccountLink {
  id: number;
  kind: LinkKind;
  role: UserRole | null;
  userId: number | null;
  createdBy: number | null;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

interface LinkRow {
  id: number;
  kind: LinkKind;
  role: UserRole | null;
  user_id: number | null;
  created_by: number | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const toLink = (r: LinkRow): AccountLink => ({
  id: r.id,
  kind: r.kind,
  role: r.role,
  userId: r.user_id,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** One-time links for invites and password resets. Only a hash of the token is stored. */
export class AccountLinks {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO account_links (kind, token_hash, role, user_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      byId: db.prepare<[number], LinkRow>('SELECT * FROM account_links WHERE id = ?'),
      byToken: db.prepare<[string, LinkKind], LinkRow>('SELECT * FROM account_links WHERE token_hash = ? AND kind = ?'),
      consume: db.prepare('UPDATE account_links SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?'),
      pendingInvites: db.prepare<[number], LinkRow>(
        "SELECT * FROM account_links WHERE kind = 'invite' AND used_at IS NULL AND expires_at > ? ORDER BY id DESC",
      ),
      revoke: db.prepare('DELETE FROM account_links WHERE id = ? AND used_at IS NULL'),
    };
  }

  create(l: { kind: LinkKind; role?: UserRole; userId?: number; createdBy: number; ttlMs: number }): { token: string; link: AccountLink } {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    const info = this.stmts.insert.run(l.kind, hashToken(token), l.role ?? null, l.userId ?? null, l.createdBy, now, now + l.ttlMs);
    return { token, link: this.byId(Number(info.lastInsertRowid))! };
  }

  byId(id: number): AccountLink | undefined {
    const row = this.stmts.byId.get(id);
    return row && toLink(row);
  }

  /** A link that is unused and unexpired, or why not. */
  lookup(kind: LinkKind, token: string): { link: AccountLink } | { problem: string } {
    const row = this.stmts.byToken.get(hashToken(token), kind);
    const what = kind === 'invite' ? 'invitation' : 'password reset link';
    if (!row) return { problem: `This ${what} is not valid. Ask an admin for a new one.` };
    if (row.used_at !== null) return { problem: `This ${what} has already been used. Ask an admin for a new one.` };
    if (row.expires_at <= Date.now()) return { problem: `This ${what} has expired. Ask an admin for a new one.` };
    return { link: toLink(row) };
  }

  /** Mark used; false if another request used it first (the update is the race's referee). */
  consume(id: number, usedBy: number): boolean {
    return this.stmts.consume.run(Date.now(), usedBy, id, Date.now()).changes === 1;
  }

  pendingInvites(): AccountLink[] {
    return this.stmts.pendingInvites.all(Date.now()).map(toLink);
  }

  revoke(id: number): boolean {
    return this.stmts.revoke.run(id).changes === 1;
  }
}
