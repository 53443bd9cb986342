import { JOB_TYPES, LIVE_STATUSES, type Capability, type JobProgress, type JobStatus, type JobType, type JobView } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export { LIVE_STATUSES };

export interface JobRow {
  id: string;
  type: JobType;
  capability: Capability;
  title: string;
  status: JobStatus;
  input: string;
  owner_kind: 'user' | 'device' | 'system';
  owner_id: number | null;
  owner_device_id: number | null;
  owner_name: string;
  preset_id: number | null;
  progress: string | null;
  result: string | null;
  error: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface JobOwner {
  kind: 'user' | 'device' | 'system';
  userId: number | null;
  deviceId: number | null;
  name: string;
}

export interface NewJob {
  id: string;
  type: JobType;
  title: string;
  input: unknown;
  owner: JobOwner;
  presetId: number | null;
  status: 'queued' | 'waiting_for_gpu';
  now: number;
}

export interface JobResult {
  mediaIds: string[];
  data?: unknown;
}

const LIVE_SQL = `status IN ('queued','waiting_for_gpu','running')`;

/** The jobs table: SQLite is the source of truth for what the family sees. */
export class JobStore {
  // Prepared once: submission and every job event run several of these.
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert:
        db.prepare(`INSERT INTO jobs (id, type, capability, title, status, input, owner_kind, owner_id, owner_device_id, owner_name, preset_id, attempts, created_at)
                          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`),
      get: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      live: db.prepare<[], JobRow>(`SELECT * FROM jobs WHERE ${LIVE_SQL} ORDER BY id`),
      liveOf: db.prepare<[Capability], JobRow>(`SELECT * FROM jobs WHERE ${LIVE_SQL} AND capability = ? ORDER BY id`),
      withStatus: db.prepare<[JobStatus], JobRow>('SELECT * FROM jobs WHERE status = ? ORDER BY id'),
      withStatusOf: db.prepare<[JobStatus, Capability], JobRow>('SELECT * FROM jobs WHERE status = ? AND capability = ? ORDER BY id'),
      countsByStatus: db.prepare<[], { type: string; status: string; n: number }>('SELECT type, status, COUNT(*) AS n FROM jobs GROUP BY type, status'),
      countCreatedBy: db.prepare<[number, number], { n: number }>(
        "SELECT COUNT(*) AS n FROM jobs WHERE owner_kind = 'user' AND owner_id = ? AND created_at >= ?",
      ),
      setQueued: db.prepare(`UPDATE jobs SET status = ? WHERE id = ? AND ${LIVE_SQL} AND status != ?`),
      park: db.prepare(`UPDATE jobs SET status = 'waiting_for_gpu' WHERE id = ? AND status = 'queued'`),
      setRunning: db.prepare(`UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND ${LIVE_SQL} AND status != 'running'`),
      // Status is not touched here: JobService.markRunning is the one place a job becomes running.
      setProgress: db.prepare(`UPDATE jobs SET progress = ? WHERE id = ? AND ${LIVE_SQL}`),
      nextAttempt: db.prepare(`UPDATE jobs SET attempts = attempts + 1, status = 'queued', error = ?, progress = NULL WHERE id = ? AND ${LIVE_SQL}`),
      catchUpAttempt: db.prepare(`UPDATE jobs SET attempts = ?, progress = NULL WHERE id = ? AND attempts < ? AND ${LIVE_SQL}`),
      finish: db.prepare(`UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ? WHERE id = ? AND ${LIVE_SQL}`),
      requeue:
        db.prepare(`UPDATE jobs SET status = ?, attempts = attempts + 1, error = NULL, result = NULL, progress = NULL, started_at = NULL, finished_at = NULL
                           WHERE id = ? AND status IN ('failed','cancelled')`),
      succeededUsing: db.prepare<[string], string>(`SELECT id FROM jobs WHERE status = 'succeeded' AND input LIKE ?`).pluck(),
      exportFor: db.prepare<[number], JobRow>("SELECT * FROM jobs WHERE owner_kind = 'user' AND owner_id = ? ORDER BY id"),
    };
  }

  /** Insert and return the new row (built here, not read back: every column is known). */
  insert(j: NewJob): JobRow {
    const row: JobRow = {
      id: j.id,
      type: j.type,
      capability: JOB_TYPES[j.type].capability,
      title: j.title,
      status: j.status,
      input: JSON.stringify(j.input),
      owner_kind: j.owner.kind,
      owner_id: j.owner.userId,
      owner_device_id: j.owner.deviceId,
      owner_name: j.owner.name,
      preset_id: j.presetId,
      progress: null,
      result: null,
      error: null,
      attempts: 1,
      created_at: j.now,
      started_at: null,
      finished_at: null,
    };
    this.stmts.insert.run(
      row.id,
      row.type,
      row.capability,
      row.title,
      row.status,
      row.input,
      row.owner_kind,
      row.owner_id,
      row.owner_device_id,
      row.owner_name,
      row.preset_id,
      row.created_at,
    );
    return row;
  }

  get(id: string): JobRow | undefined {
    return this.stmts.get.get(id);
  }

  list(q: { ownerId?: number; status?: JobStatus; before?: string; limit: number }): { rows: JobRow[]; nextBefore: string | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (q.ownerId !== undefined) {
      where.push("owner_kind = 'user' AND owner_id = ?");
      args.push(q.ownerId);
    }
    if (q.status) {
      where.push('status = ?');
      args.push(q.status);
    }
    if (q.before) {
      where.push('id < ?');
      args.push(q.before);
    }
    const rows = this.db
      .prepare(`SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
      .all(...args, q.limit + 1) as JobRow[];
    const page = rows.slice(0, q.limit);
    return { rows: page, nextBefore: rows.length > q.limit ? page[page.length - 1]!.id : null };
  }

  live(capability?: Capability): JobRow[] {
    return capability ? this.stmts.liveOf.all(capability) : this.stmts.live.all();
  }

  withStatus(status: JobStatus, capability?: Capability): JobRow[] {
    return capability ? this.stmts.withStatusOf.all(status, capability) : this.stmts.withStatus.all(status);
  }

  countsByStatus(): Array<{ type: string; status: string; n: number }> {
    return this.stmts.countsByStatus.all();
  }

  /** Jobs a user created since `since` (their daily quota). */
  countCreatedBy(userId: number, since: number): number {
    return this.stmts.countCreatedBy.get(userId, since)!.n;
  }

  /** Move a live job to another live status; false when it is no longer live or already there. */
  setLiveStatus(id: string, status: 'queued' | 'waiting_for_gpu' | 'running', now: number): boolean {
    const info = status === 'running' ? this.stmts.setRunning.run(now, id) : this.stmts.setQueued.run(status, id, status);
    return info.changes === 1;
  }

  /** A queued job waits for a GPU again; false when it is no longer queued (running, finished). */
  park(id: string): boolean {
    return this.stmts.park.run(id).changes === 1;
  }

  setProgress(id: string, progress: JobProgress): boolean {
    // Previews are relayed live but not stored: they are large and stale a second later.
    const { preview: _preview, ...stored } = progress;
    return this.stmts.setProgress.run(JSON.stringify(stored), id).changes === 1;
  }

  /** A bee-queue retry: a new attempt of a live job. */
  nextAttempt(id: string, error: string): boolean {
    return this.stmts.nextAttempt.run(error, id).changes === 1;
  }

  /** At least `attempt`, which bee-queue has confirmed: its retry reached an agent before its event reached us. */
  catchUpAttempt(id: string, attempt: number): void {
    this.stmts.catchUpAttempt.run(attempt, id, attempt);
  }

  /** Make a live job final; false when it already was (events and reconciliation may race). */
  finish(id: string, status: 'succeeded' | 'failed' | 'cancelled', fields: { result?: JobResult; error?: string | null }, now: number): boolean {
    return this.stmts.finish.run(status, fields.result ? JSON.stringify(fields.result) : null, fields.error ?? null, now, id).changes === 1;
  }

  /** A failed or cancelled job goes back to the queue as a new attempt. */
  requeue(id: string, status: 'queued' | 'waiting_for_gpu'): boolean {
    return this.stmts.requeue.run(status, id).changes === 1;
  }

  /** Succeeded jobs whose input mentions this media id (their results were made from it). */
  succeededUsing(mediaId: string): string[] {
    return this.stmts.succeededUsing.all(`%"${mediaId}"%`);
  }

  exportFor(userId: number): JobView[] {
    return this.stmts.exportFor.all(userId).map(toJobView);
  }
}

export function toJobView(r: JobRow): JobView {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    status: r.status,
    input: JSON.parse(r.input) as Record<string, unknown>,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    presetId: r.preset_id,
    progress: r.progress ? (JSON.parse(r.progress) as JobProgress) : null,
    result: r.result ? (JSON.parse(r.result) as JobResult) : null,
    error: r.error,
    attempts: r.attempts,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}
