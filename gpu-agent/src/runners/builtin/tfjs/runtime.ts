import type { Transferable, Worker } from 'node:worker_threads';
import { startWorker } from '../../../start-worker.js';
import type { ModelName, TfjsAnswers, TfjsBackendName, TfjsEnvelope, TfjsReply, TfjsRequest, TfjsWorkerData } from './messages.js';

export type { TfjsBackendName } from './messages.js';

interface Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  detach(): void;
}

/**
 * TensorFlow.js on a CPU backend, in a worker thread of its own: a 128-px ESRGAN tile takes
 * ~0.3 s of solid compute, which on the main thread would stall telemetry and cancels. The
 * worker starts on the first request and is terminated once no model is left in it (or on
 * close()), which also gives back the WASM heap, which never shrinks while it lives.
 */
export class TfjsRuntime {
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(readonly backend: TfjsBackendName = 'wasm') {}

  /**
   * Sends one request; `transfer` moves buffers instead of copying them. An abort rejects at
   * once: the worker finishes the request it is on and its answer is dropped.
   */
  request<R extends TfjsRequest>(
    request: R,
    { signal, transfer = [] }: { signal?: AbortSignal; transfer?: Transferable[] } = {},
  ): Promise<TfjsAnswers[R['op']]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.#start();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#settle(id);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      });
      // Only a request in flight keeps the process alive; an idle worker never does.
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, request } satisfies TfjsEnvelope, transfer);
    });
  }

  /** Drops these models in the worker; with none left, the worker goes. */
  async unload(models: ModelName[]): Promise<void> {
    if (!this.#worker) return;
    const left = await this.request({ op: 'unload', models });
    if (left === 0 && this.#pending.size === 0) await this.close();
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new Error('the TensorFlow.js runtime was closed'));
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker('tfjs-worker', {
      workerData: { backend: this.backend } satisfies TfjsWorkerData,
    });
    worker.unref();
    worker.on('message', (reply: TfjsReply) => {
      const pending = this.#settle(reply.id);
      if (!pending) return; // aborted meanwhile
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    const lost = (reason: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(reason);
    };
    worker.on('error', (err) => lost(new Error(`the TensorFlow.js worker failed: ${err.message}`)));
    worker.on('exit', (code) => lost(new Error(`the TensorFlow.js worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.detach();
    if (this.#pending.size === 0) this.#worker?.unref();
    return pending;
  }

  #failAll(reason: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(reason);
  }
}
