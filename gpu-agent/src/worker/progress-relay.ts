import { JobProgress } from '@hearth/protocol';
import { Value } from '@sinclair/typebox/value';

/** Largest preview passed on (base64 characters), the schema's bound. */
export const MAX_PREVIEW_CHARS = 350_000;

/**
 * Brings a runner's report into the protocol's shape: fraction clamped, text cut to the schema's
 * lengths, a preview too large (or malformed) dropped rather than failing the job. Null when
 * nothing usable is left.
 */
export function sanitizeProgress(p: JobProgress): JobProgress | null {
  if (!p || typeof p !== 'object') return null;
  const fraction = Number.isFinite(p.fraction) ? Math.min(1, Math.max(0, p.fraction)) : 0;
  const out: JobProgress = { fraction, stage: String(p.stage ?? '').slice(0, 80) };
  if (typeof p.message === 'string') out.message = p.message.slice(0, 500);
  if (p.preview && typeof p.preview.data === 'string' && p.preview.data.length <= MAX_PREVIEW_CHARS) {
    out.preview = { contentType: p.preview.contentType, data: p.preview.data };
  }
  const valid = (p: JobProgress) => Value.Errors(JobProgress, p).First() === undefined;
  if (valid(out)) return out;
  delete out.preview;
  return valid(out) ? out : null;
}

/**
 * Relays progress at most once per `intervalMs`: the first report goes out at once, later ones
 * within the interval are coalesced and the latest is sent when it ends, so the last word always
 * arrives and order is kept. Previews are the heavy part: only the latest pending one is kept.
 */
export class ProgressRelay {
  #pending: JobProgress | null = null;
  #timer: NodeJS.Timeout | undefined;
  #lastSent = 0;
  #closed = false;

  constructor(
    private readonly send: (p: JobProgress) => void,
    private readonly intervalMs = 250,
  ) {}

  push(report: JobProgress): void {
    if (this.#closed) return;
    const p = sanitizeProgress(report);
    if (!p) return;
    this.#pending = p;
    const wait = this.#lastSent + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.#timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Send what is pending now (e.g. before the job's result is recorded). */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const p = this.#pending;
    if (!p) return;
    this.#pending = null;
    this.#lastSent = Date.now();
    this.send(p);
  }

  /** Flush and stop relaying: reports after the job ended are ignored. */
  close(): void {
    this.flush();
    this.#closed = true;
  }
}
