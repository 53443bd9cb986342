/**
 * Sampler previews → JobProgress.preview. ComfyUI sends one per sampling step (up to 512 px,
 * JPEG); the family's screens need at most one a second and the protocol caps the base64 data
 * at 350 000 characters, so previews are throttled and, when too big, re-encoded smaller.
 */
import { loadSharp } from '../load-sharp.js';
import type { JobProgress } from '@hearth/protocol';
import type { PreviewFrame } from './protocol.js';

type Preview = NonNullable<JobProgress['preview']>;

/** Largest raw size whose base64 fits JobProgress.preview.data (350 000 chars). */
export const MAX_PREVIEW_BYTES = Math.floor(350_000 / 4) * 3;

export class PreviewThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private busy = false;

  constructor(private readonly intervalMs: number, private readonly now: () => number = Date.now) {}

  /** A preview to forward, or null when one was forwarded too recently (or the frame is unusable). */
  async take(frame: PreviewFrame): Promise<Preview | null> {
    const t = this.now();
    if (this.busy || t - this.last < this.intervalMs) return null;
    this.busy = true;
    this.last = t;
    try {
      return await bounded(frame);
    } finally {
      this.busy = false;
    }
  }
}

async function bounded(frame: PreviewFrame): Promise<Preview | null> {
  const sharp = await loadSharp();
  if (frame.bytes.length <= MAX_PREVIEW_BYTES) return { contentType: frame.contentType, data: frame.bytes.toString('base64') };
  try {
    const smaller = await sharp(frame.bytes).resize(384, 384, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toBuffer();
    return smaller.length <= MAX_PREVIEW_BYTES ? { contentType: 'image/jpeg', data: smaller.toString('base64') } : null;
  } catch {
    return null; // a preview that does not decode is dropped; it is only a preview
  }
}
