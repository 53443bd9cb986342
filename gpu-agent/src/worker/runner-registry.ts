import type { Capability } from '@hearth/protocol';
import type { Runner, RunnerJob } from '../runners/runner.js';

/** The runners this agent has; the first whose `canRun` accepts a job runs it. */
export class RunnerRegistry {
  constructor(private readonly runners: readonly Runner[]) {}

  find(job: RunnerJob): Runner | undefined {
    return this.runners.find((r) => r.types.includes(job.type) && r.canRun(job));
  }

  /** Capabilities some runner serves (whether its backend is up is the BackendWatcher's business). */
  capabilities(): Capability[] {
    return [...new Set(this.runners.map((r) => r.capability))];
  }

  async freeMemory(): Promise<void> {
    await Promise.allSettled(this.runners.map((r) => r.freeMemory?.() ?? Promise.resolve()));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.runners.map((r) => r.close?.() ?? Promise.resolve()));
  }
}
