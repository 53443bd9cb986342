import type { JobType, PipelineStatus } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface PipelineRow {
  id: number;
  kind: string;
  title: string;
  subject: string | null;
  status: PipelineStatus;
  input: string;
  owner_id: number | null;
  created_at: number;
  finished_at: number | null;
}

export interface StepRow {
  pipeline_id: number;
  key: string;
  position: number;
  title: string;
  job_type: JobType;
  needs: string;
  job_id: string | null;
  applied: number;
  error: string | null;
  gate: 'waiting' | 'approved' | null;
}

export interface NewStep {
  key: string;
  title: string;
  jobType: JobType;
  needs: string[];
  /** Starts only after `approve` (what its needs made is shown to a person first). */
  gated?: boolean;
}

/** The pipeline tables. Every transition is guarded by the current state, so it happens once. */
export class PipelineStore {
  private readonly s;

  constructor(db: Db) {
    this.s = {
      insert: db.prepare("INSERT INTO pipelines (kind, title, subject, status, input, owner_id, created_at) VALUES (?, ?, ?, 'running', ?, ?, ?)"),
      addStep: db.prepare('INSERT INTO pipeline_steps (pipeline_id, key, position, title, job_type, needs, gate) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      get: db.prepare<[number], PipelineRow>('SELECT * FROM pipelines WHERE id = ?'),
      steps: db.prepare<[number], StepRow>('SELECT * FROM pipeline_steps WHERE pipeline_id = ? ORDER BY position'),
      running: db.prepare<[], PipelineRow>("SELECT * FROM pipelines WHERE status = 'running' ORDER BY id"),
      bySubject: db.prepare<[string], PipelineRow>('SELECT * FROM pipelines WHERE subject = ? ORDER BY id DESC LIMIT 20'),
      ofJob: db.prepare<[string], { pipeline_id: number }>('SELECT pipeline_id FROM pipeline_steps WHERE job_id = ?'),
      setJob: db.prepare('UPDATE pipeline_steps SET job_id = ?, error = NULL WHERE pipeline_id = ? AND key = ? AND job_id IS NULL'),
      setError: db.prepare('UPDATE pipeline_steps SET error = ? WHERE pipeline_id = ? AND key = ? AND job_id IS NULL'),
      clearError: db.prepare('UPDATE pipeline_steps SET error = NULL WHERE pipeline_id = ? AND key = ? AND job_id IS NULL AND error IS NOT NULL'),
      markApplied: db.prepare('UPDATE pipeline_steps SET applied = 1 WHERE pipeline_id = ? AND key = ? AND applied = 0'),
      finish: db.prepare("UPDATE pipelines SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'"),
      fail: db.prepare("UPDATE pipelines SET status = 'failed', finished_at = ? WHERE id = ? AND status = 'running'"),
      reopen: db.prepare("UPDATE pipelines SET status = 'running', finished_at = NULL WHERE id = ? AND status IN ('failed','cancelled')"),
      reopenFinished: db.prepare("UPDATE pipelines SET status = 'running', finished_at = NULL WHERE id = ? AND status IN ('succeeded','failed')"),
      approve: db.prepare("UPDATE pipeline_steps SET gate = 'approved' WHERE pipeline_id = ? AND gate = 'waiting'"),
      reset: db.prepare('UPDATE pipeline_steps SET job_id = NULL, applied = 0, error = NULL WHERE pipeline_id = ? AND key = ?'),
      cancel: db.prepare("UPDATE pipelines SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN ('running','failed')"),
    };
  }

  create(p: { kind: string; title: string; subject: string | null; input: unknown; ownerId: number | null; steps: NewStep[]; now: number }): number {
    const id = Number(this.s.insert.run(p.kind, p.title, p.subject, JSON.stringify(p.input), p.ownerId, p.now).lastInsertRowid);
    p.steps.forEach((s, i) => this.s.addStep.run(id, s.key, i, s.title, s.jobType, JSON.stringify(s.needs), s.gated ? 'waiting' : null));
    return id;
  }

  get(id: number): PipelineRow | undefined {
    return this.s.get.get(id);
  }

  steps(id: number): StepRow[] {
    return this.s.steps.all(id);
  }

  running(): PipelineRow[] {
    return this.s.running.all();
  }

  bySubject(subject: string): PipelineRow[] {
    return this.s.bySubject.all(subject);
  }

  /** The pipeline whose step the job is, if any. */
  pipelineOfJob(jobId: string): number | undefined {
    return this.s.ofJob.get(jobId)?.pipeline_id;
  }

  /** Record the step's job; false when the step already has one (the caller's transaction must then roll back). */
  setJob(pipelineId: number, key: string, jobId: string): boolean {
    return this.s.setJob.run(jobId, pipelineId, key).changes === 1;
  }

  setError(pipelineId: number, key: string, error: string): void {
    this.s.setError.run(error.slice(0, 2000), pipelineId, key);
  }

  clearError(pipelineId: number, key: string): boolean {
    return this.s.clearError.run(pipelineId, key).changes === 1;
  }

  markApplied(pipelineId: number, key: string): boolean {
    return this.s.markApplied.run(pipelineId, key).changes === 1;
  }

  finish(id: number, status: 'succeeded', now: number): boolean {
    return this.s.finish.run(status, now, id).changes === 1;
  }

  fail(id: number, now: number): boolean {
    return this.s.fail.run(now, id).changes === 1;
  }

  reopen(id: number): boolean {
    return this.s.reopen.run(id).changes === 1;
  }

  /** Open every gate of the pipeline; false when none was waiting. */
  approve(id: number): boolean {
    return this.s.approve.run(id).changes > 0;
  }

  /** Steps to be done again: their jobs are forgotten (the jobs themselves stay in the history). */
  reset(id: number, keys: string[]): void {
    for (const key of keys) this.s.reset.run(id, key);
  }

  reopenFinished(id: number): boolean {
    return this.s.reopenFinished.run(id).changes === 1;
  }

  cancel(id: number, now: number): boolean {
    return this.s.cancel.run(now, id).changes === 1;
  }
}
