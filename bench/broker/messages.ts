/**
 * IPC between run.ts (the appliance), load.ts (the load generator) and worker.ts (the agent
 * stand-in). Times are `clock()`: CLOCK_MONOTONIC, the same in every process on the machine.
 */
export const clock = () => Number(process.hrtime.bigint()) / 1e6;

export type ToLoad =
  | { cmd: 'raw'; redisUrl: string; queue: string; n: number; concurrency: number; paced: number }
  | { cmd: 'hearth'; url: string; cookie: string; csrf: string; n: number; concurrency: number; paced: number }
  | { cmd: 'go' }
  | { cmd: 'paced' }
  /** The worker took job `id` (paced phase): submit the next one. */
  | { cmd: 'started'; id: string };

export type FromLoad =
  | { event: 'ready' }
  /** Anchor only: the producer heard every throughput job succeed. */
  | { event: 'done' }
  /** Per paced job: its id, when the submit began and when its reply came. */
  | { event: 'submits'; submits: Array<{ id: string; at: number; replied: number }> };

export type ToWorker = { cmd: 'notify'; on: boolean } | { cmd: 'close' };
export type FromWorker = { event: 'ready' } | { event: 'started'; id: string; at: number };
