import type { Logger } from 'pino';
import { CAPABILITIES, type Capability } from '@hearth/protocol';
import type { Broker } from './broker.js';
import type { JobService } from './job-service.js';
import type { JobStore } from './job-store.js';
import type { ArtifactStore } from './artifact-store.js';

export interface ReconcileReport {
  readded: number;
  requeued: number;
  deduplicated: number;
  finished: number;
  removed: number;
}

/**
 * Make Redis agree with SQLite (run at start, after Redis comes back, and now and then):
 * - every live job (queued / waiting_for_gpu / running) exists exactly once in Redis: missing
 *   ones are added again with the same id, ones lost from every list are put back on the
 *   waiting list, duplicates on the waiting list are dropped;
 * - jobs that finished in Redis while nobody listened get their final state here;
 * - Redis jobs whose row is final or unknown are removed.
 */
export class Reconciler {
  private running: Promise<ReconcileReport> | null = null;
  private again = false;

  constructor(
    private readonly store: JobStore,
    private readonly artifacts: ArtifactStore,
    private readonly broker: Broker,
    private readonly jobs: JobService,
    private readonly log: Logger,
  ) {}

  /** One pass at a time; a request during a pass runs one more pass after it. */
  run(): Promise<ReconcileReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let report: ReconcileReport;
      do {
        this.again = false;
        report = { readded: 0, requeued: 0, deduplicated: 0, finished: 0, removed: 0 };
        for (const cap of CAPABILITIES) await this.capability(cap, report);
      } while (this.again);
      if (report.readded + report.requeued + report.deduplicated + report.finished + report.removed > 0)
        this.log.info(report, 'reconciled jobs between SQLite and Redis');
      return report;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async capability(cap: Capability, report: ReconcileReport): Promise<void> {
    const snap = await this.broker.snapshot(cap);
    const live = new Map(this.store.live(cap).map((r) => [r.id, r]));
    const count = (list: string[], id: string) => list.reduce((n, x) => n + (x === id ? 1 : 0), 0);

    for (const row of live.values()) {
      const stored = snap.jobs.get(row.id);
      if (!stored) {
        await this.jobs.enqueue(row);
        report.readded++;
        continue;
      }
      if (stored.status === 'succeeded' || snap.succeeded.has(row.id)) {
        const raw = snap.results.get(row.id);
        let result: unknown = { artifacts: this.artifacts.newestAttemptNames(row.id) };
        if (raw)
          try {
            result = JSON.parse(raw);
          } catch {
            /* keep the uploads-based result */
          }
        await this.jobs.onSucceeded(row.id, result);
        report.finished++;
        continue;
      }
      if (stored.status === 'failed' || snap.failed.has(row.id)) {
        await this.jobs.onFailed(row.id, firstLine(stored.lastError) ?? 'The job failed while the appliance was away');
        report.finished++;
        continue;
      }
      const waiting = count(snap.waiting, row.id);
      const elsewhere = count(snap.active, row.id) + count(snap.delayed, row.id);
      if (waiting + elsewhere === 0) {
        if (await this.broker.requeueStored(cap, row.id)) report.requeued++;
      } else if (waiting > 1 || (waiting > 0 && elsewhere > 0)) {
        if ((await this.broker.dedupeWaiting(cap, row.id)) > 0) report.deduplicated++;
      }
    }

    for (const id of snap.jobs.keys()) {
      if (live.has(id)) continue;
      // Re-read: a job submitted during this pass is live now although the snapshot predates it.
      const row = this.store.get(id);
      if (row && (row.status === 'queued' || row.status === 'waiting_for_gpu' || row.status === 'running')) continue;
      await this.broker.remove(cap, id);
      report.removed++;
    }
    for (const id of new Set([...snap.waiting, ...snap.active])) {
      if (!snap.jobs.has(id) && !live.has(id)) {
        await this.broker.dropDangling(cap, id);
        report.removed++;
      }
    }
  }
}

function firstLine(s: string | null): string | null {
  return s ? s.split('\n')[0]!.slice(0, 2000) : null;
}
