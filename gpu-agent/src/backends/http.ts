import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { JobError } from '../runners/runner.js';

/** A server answered with a non-2xx status; `body` is its text, bounded. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}${body ? ` ${body.slice(0, 300)}` : ''}`);
  }
}

export interface RequestOptions {
  method?: string;
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Combine the caller's signal with a timeout; both stop the request. */
export function withTimeout(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const t = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, t]) : t;
}

export async function request(url: string, what: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  const res = await fetch(url, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    body,
    signal: withTimeout(opts.signal, opts.timeoutMs ?? 30_000),
  });
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    throw new HttpStatusError(res.status, text, what);
  }
  return res;
}

/** Parse and check a JSON body against its schema; malformed server output becomes a clear JobError. */
export function checkShape<S extends TSchema>(schema: S, value: unknown, what: string): Static<S> {
  const first = Value.Errors(schema, value).First();
  if (first) throw new JobError(`${what} returned an unexpected answer (${first.path || '/'}: ${first.message})`);
  return value as Static<S>;
}

export async function requestJson<S extends TSchema>(url: string, what: string, schema: S, opts: RequestOptions = {}): Promise<Static<S>> {
  const res = await request(url, what, opts);
  const text = await res.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JobError(`${what} returned something that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
  return checkShape(schema, value, what);
}

/** What to throw when the job's signal fired: its reason if it is an Error, else an AbortError. */
export function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('the job was cancelled', 'AbortError');
}

/**
 * Turn a failed request into the error the worker should see: cancellation stays cancellation,
 * JobErrors pass through, a server that cannot be reached or drops the connection is retryable.
 */
export function asJobError(err: unknown, what: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return abortReason(signal);
  if (err instanceof JobError) return err;
  if (err instanceof HttpStatusError) return new JobError(err.message, err.status >= 500 || err.status === 429);
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return new JobError(`${what} did not answer in time`, true);
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const message = err instanceof Error ? err.message : String(err);
  return new JobError(`${what} could not be reached or dropped the connection (${message}${cause})`, true);
}
