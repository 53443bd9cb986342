import { WorkerHost } from '../../worker-host.js';
import type { ModelName, TfjsAnswers, TfjsBackendName, TfjsRequest, TfjsWorkerData } from './messages.js';

export type { TfjsBackendName } from './messages.js';

export interface TfjsRuntimeOptions {
  /** Terminate the worker (tfjs, its models and WASM heap) after this long without a request; 0: never. */
  idleUnloadMs?: number;
}

/**
 * TensorFlow.js on a CPU backend, in a worker process of its own: a 128-px ESRGAN tile takes
 * ~0.3 s of solid compute, which on the main thread would stall telemetry and cancels. tfjs and
 * nsfwjs are imported only in that worker, which starts on the first request and ends once no
 * model is left in it, after `idleUnloadMs` without work, or on close(). A process, not a
 * thread: a thread's end left ~7.5 MB of the agent's memory behind (measured), a process's none.
 */
export class TfjsRuntime extends WorkerHost<TfjsRequest, TfjsAnswers> {
  constructor(
    readonly backend: TfjsBackendName = 'wasm',
    { idleUnloadMs = 0 }: TfjsRuntimeOptions = {},
  ) {
    super({ worker: 'tfjs-worker', workerData: { backend } satisfies TfjsWorkerData, idleUnloadMs, label: 'TensorFlow.js worker', isolation: 'process' });
  }

  /** Drops these models in the worker; with none left, the worker goes. */
  async unload(models: ModelName[]): Promise<void> {
    if (!this.running) return;
    const left = await this.request({ op: 'unload', models });
    if (left === 0 && this.idle) await this.close();
  }
}
