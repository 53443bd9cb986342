import type { JobView } from '@hearth/protocol';
import type { DomainBus, JobOwnerRef } from '../bus/domain-bus.js';
import { LIVE_STATUSES } from '../jobs/job-store.js';

export interface LiveJob {
  job: JobView;
  owner: JobOwnerRef;
}

/**
 * The wall shows what is cooking, not what anyone asked for: titles, owner, status and progress,
 * without inputs (prompts), previews, results or errors. Hearth's own jobs (moderation) stay off it.
 */
export function kioskJobView(view: JobView): JobView {
  return {
    ...view,
    input: {},
    progress: view.progress ? { fraction: view.progress.fraction, stage: view.progress.stage } : null,
    result: null,
    error: null,
  };
}

const signature = (v: JobView) => `${v.status}|${v.progress?.fraction ?? ''}|${v.progress?.stage ?? ''}|${v.title}`;

/**
 * Job updates for kiosks, from the domain bus: the jobs capability streams full job views to
 * owners and admins only, so this relay keeps the redacted views of live jobs and publishes
 * what changed (including the final state of jobs that ended) — no polling.
 */
export class KioskJobRelay {
  private readonly views = new Map<string, JobView>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly bus: DomainBus,
    private readonly publish: (job: JobView) => void,
  ) {}

  /** Start from the live jobs as they are now, then follow the bus. */
  start(live: LiveJob[]): void {
    for (const { job, owner } of live) if (owner.kind !== 'system') this.views.set(job.id, kioskJobView(job));
    this.unsubscribe.push(
      this.bus.on('job.changed', ({ job, owner }) => {
        if (owner.kind === 'system') return;
        this.update(kioskJobView(job));
      }),
      this.bus.on('job.progress', ({ jobId, progress }) => {
        const view = this.views.get(jobId);
        if (view) this.update({ ...view, status: 'running', progress: { fraction: progress.fraction, stage: progress.stage } });
      }),
    );
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  list(): JobView[] {
    return [...this.views.values()];
  }

  private update(next: JobView): void {
    const before = this.views.get(next.id);
    const live = LIVE_STATUSES.includes(next.status);
    // A job the wall never showed live (one that ended before it was ever seen) is not news for it.
    if (!before && !live) return;
    if (live) this.views.set(next.id, next);
    else this.views.delete(next.id);
    if (!before || signature(before) !== signature(next)) this.publish(next);
  }
}
