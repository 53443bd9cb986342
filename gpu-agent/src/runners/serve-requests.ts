import { parentPort, workerData, type Transferable } from 'node:worker_threads';
import { WORKER_DATA_ENV } from '../start-worker.js';
import type { WorkerEnvelope, WorkerReply, WorkerRequest } from './worker-host.js';

/** The host's `workerData`, in a thread or a child process. */
export function workerInput<T>(): T {
  return (parentPort ? workerData : JSON.parse(process.env[WORKER_DATA_ENV] ?? 'null')) as T;
}

/** A child process's IPC channel, shaped like a worker's port (nothing moves between processes: it is copied). */
function processPort() {
  // The agent is gone (even killed): nothing is left to answer.
  process.once('disconnect', () => process.exit(0));
  return {
    on: <R extends WorkerRequest>(event: 'message', listener: (message: WorkerEnvelope<R>) => void) =>
      process.on(event, listener as (message: unknown) => void),
    postMessage: (message: WorkerReply, _transfer?: readonly Transferable[]) => process.send!(message),
  };
}

/** What a request's handler gets besides the request: its cancel, and a way to report on the way. */
export interface RequestContext {
  /** Fires when the agent cancels this request. */
  signal: AbortSignal;
  /** Sent to the request's `onEvent` in the agent (e.g. text as it is written). */
  emit(event: unknown): void;
}

/**
 * The worker's side of a WorkerHost, in a thread or a child process: answers each request with
 * `answer`'s value (and the buffers to move rather than copy), or with the error it threw.
 */
export function serveRequests<R extends WorkerRequest>(answer: (request: R, context: RequestContext) => Promise<[unknown, Transferable[]]>): void {
  const port = parentPort ?? processPort();
  const open = new Map<number, AbortController>();
  port.on('message', (envelope: WorkerEnvelope<R>) => {
    const { id } = envelope;
    if ('cancel' in envelope) {
      open.get(id)?.abort();
      return;
    }
    const controller = new AbortController();
    open.set(id, controller);
    const emit = (event: unknown) => port.postMessage({ id, event } satisfies WorkerReply);
    answer(envelope.request, { signal: controller.signal, emit })
      .then(
        ([value, transfer]) => port.postMessage({ id, ok: true, value } satisfies WorkerReply, transfer),
        (err: unknown) => {
          const { name, message } = err instanceof Error ? err : new Error(String(err));
          port.postMessage({ id, ok: false, error: { name, message } } satisfies WorkerReply);
        },
      )
      .finally(() => open.delete(id));
  });
}
