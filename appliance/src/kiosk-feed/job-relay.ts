import type { JobView } from '@hearth/protocol';
import { toJobView, type JobRow } from '../jobs/job-store.js';

export interface LiveJobSource {
  live(): JobRow[];
  get(id: string): JobRow | undefined;
}

/**
 * The wall shows what is cooking, not what anyone asked for: titles, owner, status and progress,
 * without inputs (prompts), previews, results or errors. Hearth's own jobs (moderation) stay off it.
 */
export function kioskJobView(row: JobRow): JobView {
  const view = toJobView(row);
  return {
    ...view,
    input: {},
    progress: view.progress ? { fraction: view.progress.fraction, stage: view.progress.stage } : null,
    result: null,
    error: null,
  };
}

const shown = (row: JobRow) => row.owner_kind !== 'system';
const signature = (v: JobView) => `${v.status}|${v.progress?.fraction ?? ''}|${v.progress?.stage ?? ''}|${v.title}`;

/**
 * Job updates for kiosks. The jobs capability streams full job views to owners and admins only,
 * so this relay looks at the live jobs every `intervalMs` (one indexed SQLite query) and
 * publishes the redacted view of what changed, including the final state of jobs that ended.
 */
export class KioskJobRelay {
  private last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly source: LiveJobSource, private readonly publish: (job: JobView) => void, private readonly intervalMs = 1000) {}

  list(): JobView[] {
    return this.source.live().filter(shown).map(kioskJobView);
  }

  start(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  tick(): void {
    const now = new Map<string, string>();
    for (const view of this.list()) {
      const sig = signature(view);
      now.set(view.id, sig);
      if (this.last.get(view.id) !== sig) this.publish(view);
    }
    for (const id of this.last.keys()) {
      if (now.has(id)) continue;
      const row = this.source.get(id);
      if (row) this.publish(kioskJobView(row));
    }
    this.last = now;
  }
}
