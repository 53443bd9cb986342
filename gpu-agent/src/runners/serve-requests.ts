import { parentPort, type Transferable } from 'node:worker_threads';
import type { WorkerEnvelope, WorkerReply, WorkerRequest } from './worker-host.js';

/**
 * The worker thread's side of a WorkerHost: answers each request with `answer`'s value (and the
 * buffers to move rather than copy), or with the error it threw.
 */
export function serveRequests<R extends WorkerRequest>(answer: (request: R) => Promise<[unknown, Transferable[]]>): void {
  const port = parentPort!;
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
