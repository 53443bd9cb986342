import { parentPort, type Transferable } from 'node:worker_threads';
import type { WorkerEnvelope, WorkerReply, WorkerRequest } from './worker-host.js';

/** What a request's handler gets besides the request: its cancel, and a way to report on the way. */
export interface RequestContext {
  /** Fires when the agent cancels this request. */
  signal: AbortSignal;
  /** Sent to the request's `onEvent` in the agent (e.g. text as it is written). */
  emit(event: unknown): void;
}

/**
 * The worker thread's side of a WorkerHost: answers each request with `answer`'s value (and the
 * buffers to move rather than copy), or with the error it threw.
 */
export function serveRequests<R extends WorkerRequest>(answer: (request: R, context: RequestContext) => Promise<[unknown, Transferable[]]>): void {
  const port = parentPort!;
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
    answer(envelope.request, { signal: controller.signal, emit }).then(
      ([value, transfer]) => port.postMessage({ id, ok: true, value } satisfies WorkerReply, transfer),
      (err: unknown) => {
        const { name, message } = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ id, ok: false, error: { name, message } } satisfies WorkerReply);
      },
    ).finally(() => open.delete(id));
  });
}
