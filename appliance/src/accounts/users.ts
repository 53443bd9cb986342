import type { UserRole } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  password_hash: string;
  role: UserRole;
  disabled: number;
  created_at: number;
  updated_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The users table. Password hashes never leave this module except to the login check. */
export class Users {
  // Prepared once: byId runs on every signed-in request.
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users'),
      byId: db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?'),
      byUsername: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?'),
      passwordHash: db.prepare<[number], { password_hash: string }>('SELECT password_hash FROM users WHERE id = ?'),
      list: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY id'),
      insert: db.prepare('INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)'),
      otherActiveAdmins: db.prepare<[number], { n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0 AND id != ?"),
      delete: db.prepare('DELETE FROM users WHERE id = ?'),
    };
  }

  count(): number {
    return this.stmts.count.get()!.n;
  }

  byId(id: number): User | undefined {
    const row = this.stmts.byId.get(id);
    return row && toUser(row);
  }

  /** For login only: the user and their password hash. */
  credentials(username: string): { user: User; passwordHash: string } | undefined {
    const row = this.stmts.byUsername.get(username);
    return row && { user: toUser(row), passwordHash: row.password_hash };
  }

  passwordHash(id: number): string | undefined {
    return this.stmts.passwordHash.get(id)?.password_hash;
  }

  list(): User[] {
    return this.stmts.list.all().map(toUser);
  }

  usernameTaken(username: string): boolean {
    return this.stmts.byUsername.get(username) !== undefined;
  }

  create(u: { username: string; displayName: string; passwordHash: string; role: UserRole }): User {
    const now = Date.now();
    const info = this.stmts.insert.run(u.username, u.displayName, u.passwordHash, u.role, now, now);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Create the first admin only while there is no user at all; false when someone got there first. */
  createFirstAdmin(u: { username: string; displayName: string; passwordHash: string }): User | undefined {
    return this.db.transaction(() => (this.count() === 0 ? this.create({ ...u, role: 'admin' }) : undefined)).immediate();
  }

  update(id: number, change: { role?: UserRole; disabled?: boolean; passwordHash?: string; displayName?: string }): void {
    const sets: string[] = [];
    const args: unknown[] = [];
    if (change.role !== undefined) {
      sets.push('role = ?');
      args.push(change.role);
    }
    if (change.disabled !== undefined) {
      sets.push('disabled = ?');
      args.push(change.disabled ? 1 : 0);
    }
    if (change.passwordHash !== undefined) {
      sets.push('password_hash = ?');
      args.push(change.passwordHash);
    }
    if (change.displayName !== undefined) {
      sets.push('display_name = ?');
      args.push(change.displayName);
    }
    if (!sets.length) return;
    sets.push('updated_at = ?');
    args.push(Date.now(), id);
    this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...args);
  }

  /** Active admins other than `exceptId` — the guard against locking the family out. */
  otherActiveAdmins(exceptId: number): number {
    return this.stmts.otherActiveAdmins.get(exceptId)!.n;
  }

  delete(id: number): void {
    this.stmts.delete.run(id);
  }
}
