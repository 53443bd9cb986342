/**
 * Sampler previews → JobProgress.preview. A real ComfyUI (0.3.64) sends one per sampling step as
 * a 512-px JPEG of ~80 KB; the family's screens need at most one a second at card size, and every
 * preview travels through Redis and each open portal, so previews are throttled and always
 * re-encoded on the agent to at most PREVIEW_PX (a few KB), never above the protocol's cap.
 */
import { loadSharp } from '../load-sharp.js';
import type { JobProgress } from '@hearth/protocol';
import type { PreviewFrame } from './protocol.js';

type Preview = NonNullable<JobProgress['preview']>;

/** Largest raw size whose base64 fits JobProgress.preview.data (350 000 chars). */
export const MAX_PREVIEW_BYTES = Math.floor(350_000 / 4) * 3;
/** Longest side of a forwarded preview: a job card or the kiosk tile. */
export const PREVIEW_PX = 256;

export class PreviewThrottle {
  private last = Number.NEGATIVE_INFINITY;
  private busy = false;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

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
  try {
    const small = await sharp(frame.bytes).resize(PREVIEW_PX, PREVIEW_PX, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 70 }).toBuffer();
    return small.length <= MAX_PREVIEW_BYTES ? { contentType: 'image/jpeg', data: small.toString('base64') } : null;
  } catch {
    return null; // a preview that does not decode is dropped; it is only a preview
  }
}
