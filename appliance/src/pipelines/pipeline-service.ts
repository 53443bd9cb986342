import type { Logger } from 'pino';
import type { JobType, PipelineStepStatus, PipelineView, Principal, PushKind } from '@hearth/protocol';
import type { DomainBus } from '../bus/domain-bus.js';
import type { Db } from '../db/database.js';
import type { Users } from '../accounts/users.js';
import { HttpError, conflict, notFound } from '../http/errors.js';
import type { JobService } from '../jobs/job-service.js';
import { LIVE_STATUSES, type JobResult, type JobRow } from '../jobs/job-store.js';
import type { JobChanges } from './job-changes.js';
import { PipelineStore, type NewStep, type PipelineRow, type StepRow } from './pipeline-store.js';

type User = Extract<Principal, { kind: 'user' }>;

export interface PipelineContext<I> {
  pipeline: PipelineRow;
  input: I;
  /** Whose pipeline it is: every step's job is theirs, under their role's rules and quota. */
  owner: User;
  /** Results of the steps that succeeded so far, by step key. */
  results: ReadonlyMap<string, JobResult>;
}

/**
 * What makes one kind of pipeline (a comic, a narrated story): how a step's job input is built
 * from what came before, and what to do with a step's result. The engine does the rest.
 */
export interface PipelineKind<I = unknown> {
  readonly kind: string;
  /** The job of a step whose needs have all succeeded. */
  jobFor(step: StepRow, ctx: PipelineContext<I>): { input: unknown; title: string };
  /** Inside the transaction that records the step's job (point a document at it). */
  onSubmitted?(step: StepRow, jobId: string, ctx: PipelineContext<I>): void;
  /** Once, inside the transaction that marks the step's result applied (write it into a document). */
  apply?(step: StepRow, result: JobResult, ctx: PipelineContext<I>): void;
  /**
   * What a pipeline of this kind works on, for notifications: its name as the family typed it (any
   * language), the portal page that shows it, and what a success is called (null: a plain "done").
   */
  page?(row: PipelineRow): { name: string; notice: PushKind | null; path: string };
}

/** Thrown inside a submission's transaction when another round gave the step its job first: nothing is written. */
class StepTaken extends Error {}

/**
 * Pipelines: a parent row whose steps are ordinary jobs. SQLite is the truth; every round reads
 * it afresh, so a restart of the appliance or of Redis continues exactly where things were, and
 * a step's job is recorded in the same transaction that creates it (never two jobs for a step).
 */
export class PipelineService {
  readonly store: PipelineStore;
  private readonly kinds = new Map<string, PipelineKind<never>>();

  constructor(private readonly d: { db: Db; jobs: JobService; users: Users; changes: JobChanges; bus: DomainBus; log: Logger }) {
    this.store = new PipelineStore(d.db);
    d.changes.on(() => this.advanceAll());
  }

  register<I>(kind: PipelineKind<I>): void {
    this.kinds.set(kind.kind, kind as PipelineKind<never>);
  }

  /** A new pipeline (call with its audit entry in `alongside`); its first steps start on the next round. */
  create(
    owner: User,
    p: { kind: string; title: string; subject: string | null; input: unknown; steps: NewStep[] },
    alongside?: (id: number) => void,
  ): PipelineView {
    if (!this.kinds.has(p.kind)) throw new Error(`unknown pipeline kind ${p.kind}`);
    const keys = new Set(p.steps.map((s) => s.key));
    for (const s of p.steps) for (const n of s.needs) if (!keys.has(n) || n === s.key) throw new Error(`step ${s.key} needs unknown step ${n}`);
    const id = this.d.db.transaction(() => {
      const created = this.store.create({ ...p, ownerId: owner.id, now: Date.now() });
      alongside?.(created);
      return created;
    })();
    this.d.changes.notify();
    return this.view(this.store.get(id)!);
  }

  canSee(p: Principal, row: PipelineRow): boolean {
    return p.kind === 'user' && (p.role === 'admin' || row.owner_id === p.id);
  }

  viewable(p: Principal, id: number): PipelineRow {
    const row = this.store.get(id);
    if (!row || !this.canSee(p, row)) throw notFound('Pipeline');
    return row;
  }

  view(row: PipelineRow): PipelineView {
    const steps = this.store.steps(row.id).map((s) => {
      const job = s.job_id ? this.d.jobs.store.get(s.job_id) : undefined;
      return {
        key: s.key,
        title: s.title,
        jobType: s.job_type,
        needs: JSON.parse(s.needs) as string[],
        status: stepStatus(s, job),
        jobId: s.job_id,
        fraction: job?.status === 'succeeded' ? 1 : job?.status === 'running' && job.progress ? (JSON.parse(job.progress) as { fraction: number }).fraction : 0,
        error: s.error ?? (job && (job.status === 'failed' || job.status === 'cancelled') ? job.error : null),
        awaitingApproval: s.gate === 'waiting',
      };
    });
    const fraction = steps.length ? steps.reduce((sum, s) => sum + s.fraction, 0) / steps.length : 1;
    return {
      id: row.id,
      kind: row.kind,
      title: row.title,
      subject: row.subject,
      status: row.status,
      fraction,
      steps,
      ownerId: row.owner_id,
      createdAt: row.created_at,
      finishedAt: row.finished_at,
    };
  }

  /** Stop the pipeline: no further step starts, and its queued and running jobs are cancelled. */
  async cancel(actor: Principal, id: number): Promise<PipelineView> {
    const row = this.viewable(actor, id);
    if (!this.store.cancel(id, Date.now())) throw conflict(`The pipeline is already ${row.status}`);
    for (const step of this.store.steps(id)) {
      const job = step.job_id ? this.d.jobs.store.get(step.job_id) : undefined;
      if (job && LIVE_STATUSES.includes(job.status)) {
        await this.d.jobs
          .cancel(actor, job.id)
          .catch((err: Error) => this.d.log.warn({ pipeline: id, job: job.id, err: err.message }, 'could not cancel a pipeline step'));
      }
    }
    return this.view(this.store.get(id)!);
  }

  /** Run one failed step again; the steps that succeeded keep their results. */
  async retryStep(actor: Principal, id: number, key: string): Promise<PipelineView> {
    const row = this.viewable(actor, id);
    const step = this.store.steps(id).find((s) => s.key === key);
    if (!step) throw notFound('Step');
    const job = step.job_id ? this.d.jobs.store.get(step.job_id) : undefined;
    const status = stepStatus(step, job);
    if (status !== 'failed' && status !== 'cancelled' && !(job?.status === 'succeeded' && !step.applied)) {
      throw conflict(`Only a failed or cancelled step can be retried; this one is ${status}`);
    }
    if (row.status === 'succeeded') throw conflict('The pipeline has already finished');
    // The job first: a round that runs before the pipeline reopens must not see it failed again.
    if (job && job.status !== 'succeeded') await this.d.jobs.retry(actor, job.id);
    this.d.db.transaction(() => {
      this.store.reopen(id);
      if (!job) this.store.clearError(id, key);
    })();
    this.d.changes.notify();
    return this.view(this.store.get(id)!);
  }

  /**
   * Let the gated steps start: what came before them was looked at and found good. Call with the
   * audit entry (and any change the approval carries) in `alongside`, inside the same transaction.
   */
  approve(actor: Principal, id: number, alongside?: () => void): PipelineView {
    const row = this.viewable(actor, id);
    if (row.status !== 'running') throw conflict(`The pipeline is ${row.status}`);
    const steps = this.store.steps(id);
    const gated = steps.filter((s) => s.gate === 'waiting');
    if (gated.length === 0) throw conflict('Nothing in this pipeline waits for approval');
    const done = new Set(steps.filter((s) => s.applied).map((s) => s.key));
    if (!gated.every((s) => (JSON.parse(s.needs) as string[]).every((n) => done.has(n)))) throw conflict('What is to be approved is not made yet');
    this.d.db.transaction(() => {
      alongside?.();
      if (!this.store.approve(id)) throw conflict('Someone approved it meanwhile');
    })();
    this.d.changes.notify();
    return this.view(this.store.get(id)!);
  }

  /**
   * Do finished steps again (a scene drawn anew), and every step that used what they made. None
   * of them may be queued or running; the pipeline runs again if it had finished.
   */
  redo(actor: Principal, id: number, keys: string[], alongside?: () => void): PipelineView {
    const row = this.viewable(actor, id);
    if (row.status === 'cancelled') throw conflict('The pipeline was cancelled');
    const steps = this.store.steps(id);
    const again = new Set(keys);
    for (let grew = true; grew;) {
      grew = false;
      for (const s of steps) {
        if (!again.has(s.key) && (JSON.parse(s.needs) as string[]).some((n) => again.has(n))) {
          again.add(s.key);
          grew = true;
        }
      }
    }
    for (const key of keys) {
      const s = steps.find((x) => x.key === key);
      if (!s) throw notFound('Step');
      if (!s.applied && !s.error) throw conflict(`Step ${key} is not finished yet`);
    }
    for (const s of steps.filter((x) => again.has(x.key))) {
      const job = s.job_id ? this.d.jobs.store.get(s.job_id) : undefined;
      if (job && LIVE_STATUSES.includes(job.status)) throw conflict(`Step ${s.key} is still being made; wait for it or cancel the pipeline`);
      if (s.gate === 'waiting') throw conflict(`Step ${s.key} still waits for approval`);
    }
    this.d.db.transaction(() => {
      alongside?.();
      this.store.reset(id, [...again]);
      this.store.reopenFinished(id);
    })();
    this.d.changes.notify();
    return this.view(this.store.get(id)!);
  }

  /** One round over every running pipeline (the JobChanges tick calls this). */
  async advanceAll(): Promise<void> {
    for (const row of this.store.running()) {
      await this.advance(row).catch((err: Error) => this.d.log.error({ pipeline: row.id, err: err.message }, 'pipeline round failed; next round tries again'));
      const after = this.store.get(row.id);
      if (after && (after.status === 'succeeded' || after.status === 'failed')) this.finished(after, after.status);
    }
  }

  private finished(row: PipelineRow, status: 'succeeded' | 'failed'): void {
    const page = this.kinds.get(row.kind)?.page?.(row);
    this.d.bus.emit('pipeline.finished', {
      pipeline: { id: row.id, kind: row.kind, title: row.title, status, ownerId: row.owner_id },
      ...(page ? { page } : {}),
    });
  }

  private async advance(row: PipelineRow): Promise<void> {
    const kind = this.kinds.get(row.kind);
    const user = row.owner_id === null ? undefined : this.d.users.byId(row.owner_id);
    if (!kind || !user || user.disabled) {
      this.d.log.warn({ pipeline: row.id }, !kind ? `no pipeline kind ${row.kind}` : "the pipeline's owner is gone or disabled");
      this.store.fail(row.id, Date.now());
      return;
    }
    const owner: User = { kind: 'user', id: user.id, role: user.role, name: user.displayName };
    const steps = this.store.steps(row.id);
    const jobs = new Map(steps.map((s) => [s.key, s.job_id ? this.d.jobs.store.get(s.job_id) : undefined]));
    const results = new Map<string, JobResult>();
    for (const s of steps) {
      const job = jobs.get(s.key);
      if (job?.status === 'succeeded' && job.result) results.set(s.key, JSON.parse(job.result) as JobResult);
    }
    const ctx: PipelineContext<never> = { pipeline: row, input: JSON.parse(row.input) as never, owner, results };

    for (const s of steps) {
      const result = results.get(s.key);
      if (!result || s.applied) continue;
      try {
        this.d.db.transaction(() => {
          if (this.store.markApplied(row.id, s.key)) kind.apply?.(s, result, ctx);
        })();
        s.applied = 1;
      } catch (err) {
        this.d.log.warn({ pipeline: row.id, step: s.key, err: (err as Error).message }, "could not use a step's result");
        this.store.fail(row.id, Date.now());
        return;
      }
    }
    if (steps.some((s) => s.error || ['failed', 'cancelled'].includes(jobs.get(s.key)?.status ?? ''))) {
      this.store.fail(row.id, Date.now());
      return;
    }
    if (steps.every((s) => s.applied)) {
      this.store.finish(row.id, 'succeeded', Date.now());
      return;
    }
    const done = new Set(steps.filter((s) => s.applied).map((s) => s.key));
    for (const s of steps) {
      if (s.job_id || s.error || s.gate === 'waiting' || !(JSON.parse(s.needs) as string[]).every((n) => done.has(n))) continue;
      await this.start(row, s, kind, ctx);
    }
  }

  private async start(row: PipelineRow, step: StepRow, kind: PipelineKind<never>, ctx: PipelineContext<never>): Promise<void> {
    try {
      const job = kind.jobFor(step, ctx);
      await this.d.jobs.submit(
        ctx.owner,
        { type: step.job_type as JobType, input: job.input, title: job.title },
        {
          alongside: (inserted) => {
            if (!this.store.setJob(row.id, step.key, inserted.id)) throw new StepTaken();
            kind.onSubmitted?.(step, inserted.id, ctx);
          },
        },
      );
    } catch (err) {
      if (err instanceof StepTaken) return;
      // A rule said no (a child's limits, the quota, an input the kind could not build): the step fails, visibly.
      if (err instanceof HttpError && err.statusCode < 500) {
        this.d.db.transaction(() => {
          this.store.setError(row.id, step.key, err.message);
          this.store.fail(row.id, Date.now());
        })();
        return;
      }
      throw err;
    }
  }
}

function stepStatus(s: StepRow, job: JobRow | undefined): PipelineStepStatus {
  if (job) return job.status;
  return s.error ? 'failed' : 'waiting';
}
