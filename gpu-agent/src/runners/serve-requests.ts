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
    on: <R extends WorkerRequest>(event: 'message', listener: (message: WorkerEnvelope<R>) => void) => process.on(event, listener as (message: unknown) => void),
    postMessage: (message: WorkerReply, _transfer?: readonly Transferable[]) => process.send!(message),
  };
}

/**
 * The worker's side of a WorkerHost, in a thread or a child process: answers each request with
 * `answer`'s value (and the buffers to move rather than copy), or with the error it threw.
 */
export function serveRequests<R extends WorkerRequest>(answer: (request: R) => Promise<[unknown, Transferable[]]>): void {
  const port = parentPort ?? processPort();
  port.on('message', ({ id, request }: WorkerEnvelope<R>) => {
    answer(request).then(
      ([value, transfer]) => port.postMessage({ id, ok: true, value } satisfies WorkerReply, transfer),
      (err: unknown) => {
        const { name, message } = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ id, ok: false, error: { name, message } } satisfies WorkerReply);
      },
    );
  });
}
