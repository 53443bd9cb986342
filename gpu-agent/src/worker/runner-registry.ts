import type { Capability } from '@hearth/protocol';
import type { Runner, RunnerJob } from '../runners/runner.js';

/** The runners this agent has; the first whose `canRun` accepts a job runs it. */
export class RunnerRegistry {
  private runners: readonly Runner[];

  constructor(runners: readonly Runner[]) {
    this.runners = runners;
  }

  /**
   * Put `runner` in place of the runners of its capability (new backend settings), or remove
   * that capability's runners. Returns the ones taken out: a job already running keeps its runner.
   */
  replace(capability: Capability, runner: Runner | undefined): Runner[] {
    const out = this.runners.filter((r) => r.capability === capability);
    this.runners = [...this.runners.filter((r) => r.capability !== capability), ...(runner ? [runner] : [])];
    return out;
  }

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
