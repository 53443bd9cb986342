import type { Principal } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  id: number;
  at: number;
  actorKind: string;
  actorId: number | null;
  actorName: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
  ip: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  action?: string;
  actorKind?: string;
  actorId?: number;
  outcome?: AuditOutcome;
  since?: number;
  until?: number;
  /** Return entries older than this id (the previous page's `nextBefore`). */
  before?: number;
  limit: number;
}

const SECRET_FIELD = /pass(word)?|token|secret|cookie|authorization/i;

/** Past this depth a detail is cut off: an audit entry records what happened, not a whole document. */
const MAX_DETAIL_DEPTH = 8;

/**
 * Drop anything secret-looking before it is written down forever. Iterative (an explicit work
 * list, no recursion), so no input can overflow the stack and skip the entry.
 */
export function scrub(value: unknown): unknown {
  const copy = (v: unknown): unknown => (Array.isArray(v) ? new Array<unknown>(v.length) : v && typeof v === 'object' ? {} : v);
  const root = copy(value);
  const work: Array<{ from: unknown; to: unknown; depth: number }> = [{ from: value, to: root, depth: 1 }];
  while (work.length > 0) {
    const { from, to, depth } = work.pop()!;
    if (!from || typeof from !== 'object') continue;
    for (const [k, v] of Object.entries(from)) {
      let out: unknown;
      if (!Array.isArray(from) && SECRET_FIELD.test(k)) out = '[redacted]';
      else if (v && typeof v === 'object' && depth >= MAX_DETAIL_DEPTH) out = '[too deep]';
      else {
        out = copy(v);
        if (out !== v) work.push({ from: v, to: out, depth: depth + 1 });
      }
      (to as Record<string, unknown>)[k] = out;
    }
  }
  return root;
}

/** Who did what, when, from where, and how it ended. Append-only. */
export class AuditLog {
  // Prepared once: an entry is written on most changing requests.
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target, outcome, ip, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  record(e: { actor: Principal; action: string; target?: string; outcome?: AuditOutcome; ip?: string; detail?: Record<string, unknown> }): void {
    const a = e.actor;
    const actorId = a.kind === 'anonymous' ? null : a.id;
    const actorName = a.kind === 'anonymous' ? null : a.name;
    const actorKind = a.kind === 'anonymous' ? 'anonymous' : a.kind === 'user' ? 'user' : a.deviceKind;
    this.insert.run(
      Date.now(),
      actorKind,
      actorId,
      actorName,
      e.action,
      e.target ?? null,
      e.outcome ?? 'ok',
      e.ip ?? null,
      e.detail ? JSON.stringify(scrub(e.detail)) : null,
    );
  }

  query(q: AuditQuery): { entries: AuditEntry[]; nextBefore: number | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      where.push(sql);
      args.push(v);
    };
    if (q.action) add(q.action.endsWith('.') ? "action LIKE ? || '%'" : 'action = ?', q.action);
    if (q.actorKind) add('actor_kind = ?', q.actorKind);
    if (q.actorId !== undefined) add('actor_id = ?', q.actorId);
    if (q.outcome) add('outcome = ?', q.outcome);
    if (q.since !== undefined) add('at >= ?', q.since);
    if (q.until !== undefined) add('at < ?', q.until);
    if (q.before !== undefined) add('id < ?', q.before);
    const rows = this.db
      .prepare(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, q.limit + 1) as Array<{
      id: number;
      at: number;
      actor_kind: string;
      actor_id: number | null;
      actor_name: string | null;
      action: string;
      target: string | null;
      outcome: AuditOutcome;
      ip: string | null;
      detail: string | null;
    }>;
    const page = rows.slice(0, q.limit);
    return {
      entries: page.map((r) => ({
        id: r.id,
        at: r.at,
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        actorName: r.actor_name,
        action: r.action,
        target: r.target,
        outcome: r.outcome,
        ip: r.ip,
        detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
      })),
      nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }
}
