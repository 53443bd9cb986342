import type { ChildProcess } from 'node:child_process';
import type { Transferable } from 'node:worker_threads';
import { startWorker, startWorkerProcess, type WorkerName } from '../start-worker.js';

/** A request to a runner's worker thread: `op` names what to do (see serve-requests.ts). */
export interface WorkerRequest {
  op: string;
}

/** To the worker: a request, or the cancel of one (its signal fires inside the worker). */
export type WorkerEnvelope<R extends WorkerRequest = WorkerRequest> = { id: number; request: R } | { id: number; cancel: true };

/** From the worker: the answer to a request, or an event on the way (e.g. text as it is written). */
export type WorkerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } } | { id: number; event: unknown };

/** The worker ended (crashed, exited, was unloaded or closed) with the request still open: trying again may work. */
export class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}

export interface WorkerHostOptions {
  /** The worker entry (see start-worker.ts); it answers with `serveRequests`. */
  worker: WorkerName;
  workerData?: unknown;
  /**
   * Terminate the worker once it has had no request for this long (0: keep it until closed).
   * Its modules, models and heap go with it; the next request starts a fresh one.
   */
  idleUnloadMs?: number;
  /** For error messages: "the TensorFlow.js worker failed". */
  label: string;
  /**
   * `thread` (default) or `process`. Ending a thread gives back its JavaScript heap and WASM
   * memory but not a native library's: libvips stays mapped, with its allocations, for the
   * process's life. Native pipelines run in a child process, whose end gives everything back.
   */
  isolation?: 'thread' | 'process';
}

/** What the host needs of a thread or a child process. */
interface Endpoint {
  postMessage(message: WorkerEnvelope, transfer?: Transferable[]): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<unknown>;
  on(event: 'message', listener: (reply: WorkerReply) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'exit', listener: (code: number | null) => void): unknown;
}

function processEndpoint(child: ChildProcess): Endpoint {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    // Between processes buffers are copied: nothing to transfer.
    postMessage: (message) => void child.send(message),
    ref: () => {
      child.ref();
      child.channel?.ref();
    },
    unref: () => {
      child.unref();
      child.channel?.unref();
    },
    terminate: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      return exited;
    },
    on: (event: string, listener: (...args: never[]) => void) => child.on(event, listener as (...args: unknown[]) => void),
  };
}

interface Pending {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  detach(): void;
  onEvent?(event: unknown): void;
}

/**
 * The main thread's side of a runner's worker thread. A runner's heavy modules (tfjs and its
 * models, an LLM engine) are imported only inside the worker, which starts on the first request
 * and is terminated after `idleUnloadMs` without one, or on close(): terminating is what gives
 * the memory back (a WASM heap never shrinks while it lives). Only a request in flight keeps the
 * process alive; an idle worker never does.
 */
export class WorkerHost<R extends WorkerRequest, Answers extends Record<R['op'], unknown>> {
  #worker: Endpoint | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #idleTimer: NodeJS.Timeout | undefined;
  #starts = 0;

  constructor(readonly options: WorkerHostOptions) {}

  /** Whether the worker (and so what it loaded) is alive now. */
  get running(): boolean {
    return this.#worker !== undefined;
  }

  /** How many workers have been started so far (a restart after an idle unload counts). */
  get starts(): number {
    return this.#starts;
  }

  /**
   * Sends one request; `transfer` moves buffers instead of copying them; `onEvent` gets what the
   * worker emits on the way. An abort rejects at once and fires the request's signal in the
   * worker (a worker that ignores it finishes the request, and its answer is dropped).
   */
  request<Q extends R>(
    request: Q,
    { signal, transfer = [], onEvent }: { signal?: AbortSignal; transfer?: Transferable[]; onEvent?: (event: unknown) => void } = {},
  ): Promise<Answers[Q['op']]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.#start();
    clearTimeout(this.#idleTimer);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.#settle(id);
        worker.postMessage({ id, cancel: true } satisfies WorkerEnvelope);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject, detach: () => signal?.removeEventListener('abort', onAbort), onEvent });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({ id, request } satisfies WorkerEnvelope, transfer);
    });
  }

  /** Pending requests fail; the worker is terminated. */
  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new WorkerLostError(`the ${this.options.label} was closed`));
    await worker?.terminate();
  }

  /** Nothing in flight: whoever decides may close() now. */
  get idle(): boolean {
    return this.#pending.size === 0;
  }

  #start(): Endpoint {
    if (this.#worker) return this.#worker;
    const worker: Endpoint =
      this.options.isolation === 'process'
        ? processEndpoint(startWorkerProcess(this.options.worker, this.options.workerData))
        : startWorker(this.options.worker, { workerData: this.options.workerData });
    this.#starts++;
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if ('event' in reply) {
        this.#pending.get(reply.id)?.onEvent?.(reply.event);
        return;
      }
      const pending = this.#settle(reply.id);
      if (!pending) return; // aborted meanwhile
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    const lost = (reason: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      clearTimeout(this.#idleTimer);
      this.#failAll(reason);
    };
    worker.on('error', (err) => lost(new WorkerLostError(`the ${this.options.label} failed: ${err.message}`)));
    worker.on('exit', (code) => lost(new WorkerLostError(`the ${this.options.label} exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.detach();
    if (this.#pending.size === 0) {
      this.#worker?.unref();
      this.#armIdleUnload();
    }
    return pending;
  }

  #armIdleUnload(): void {
    const ms = this.options.idleUnloadMs ?? 0;
    if (!ms || !this.#worker) return;
    clearTimeout(this.#idleTimer);
    this.#idleTimer = setTimeout(() => {
      if (this.#pending.size === 0) void this.close();
    }, ms);
    this.#idleTimer.unref();
  }

  #failAll(reason: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(reason);
  }
}
