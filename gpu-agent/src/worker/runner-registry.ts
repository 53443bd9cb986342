import type { Capability, JobType } from '@hearth/protocol';
import type { Runner, RunnerJob } from '../runners/runner.js';

/** The runners this agent has, each job type taken by exactly one. */
export class RunnerRegistry {
  #runners: readonly Runner[] = [];
  #byType = new Map<JobType, Runner>();

  constructor(runners: readonly Runner[]) {
    this.#set(runners);
  }

  /**
   * Put `runner` in place of the runners of its capability (new backend settings), or remove
   * that capability's runners. Returns the ones taken out: a job already running keeps its runner.
   */
  replace(capability: Capability, runner: Runner | undefined): Runner[] {
    const out = this.#runners.filter((r) => r.capability === capability);
    this.#set([...this.#runners.filter((r) => r.capability !== capability), ...(runner ? [runner] : [])]);
    return out;
  }

  #set(runners: readonly Runner[]): void {
    const byType = new Map<JobType, Runner>();
    for (const runner of runners) {
      for (const type of runner.jobTypes) {
        if (byType.has(type)) throw new Error(`two runners take ${type} jobs`);
        byType.set(type, runner);
      }
    }
    this.#runners = runners;
    this.#byType = byType;
  }

  find(job: RunnerJob): Runner | undefined {
    return this.#byType.get(job.type);
  }

  /** Capabilities some runner serves (whether its backend is up is the BackendWatcher's business). */
  capabilities(): Capability[] {
    return [...new Set(this.#runners.map((r) => r.capability))];
  }

  async freeMemory(): Promise<void> {
    await Promise.allSettled(this.#runners.map((r) => r.freeMemory?.() ?? Promise.resolve()));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#runners.map((r) => r.close?.() ?? Promise.resolve()));
  }
}
