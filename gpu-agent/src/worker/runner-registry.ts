import type { Capability, JobType } from '@hearth/protocol';
import type { Runner, RunnerJob } from '../runners/runner.js';

/** The runners this agent has, each job type taken by exactly one. */
export class RunnerRegistry {
  readonly #byType = new Map<JobType, Runner>();

  constructor(private readonly runners: readonly Runner[]) {
    for (const runner of runners) {
      for (const type of runner.jobTypes) {
        if (this.#byType.has(type)) throw new Error(`two runners take ${type} jobs`);
        this.#byType.set(type, runner);
      }
    }
  }

  find(job: RunnerJob): Runner | undefined {
    return this.#byType.get(job.type);
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
