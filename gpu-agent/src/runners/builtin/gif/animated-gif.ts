import { loadSharp } from '../../load-sharp.js';
import { JobError } from '../../runner.js';

export interface FrameSize {
  width: number;
  height: number;
}

/** Tallest frame we make, whatever the first picture's shape (the width is bounded by the schema). */
const MAX_HEIGHT = 1024;

/** Frame size from the requested width and the first picture's shape. */
export async function frameSizeFor(first: Buffer, width: number): Promise<FrameSize> {
  const sharp = await loadSharp();
  const { width: w, height: h } = await sharp(first)
    .metadata()
    .then((m) => m.autoOrient)
    .catch(notAPicture(1));
  return { width, height: Math.max(16, Math.min(MAX_HEIGHT, Math.round((width * h) / w))) };
}

/**
 * One frame at the GIF's size. Pictures of another shape are letterboxed rather than cropped,
 * so nobody's head is cut off; an animated input contributes its first frame.
 */
export async function toFrame(picture: Buffer, size: FrameSize, frameNumber: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(picture, { limitInputPixels: 50_000_000 })
    .rotate()
    .flatten({ background: '#000000' })
    .resize(size.width, size.height, { fit: 'contain', background: '#000000' })
    .png({ compressionLevel: 0 })
    .toBuffer()
    .catch(notAPicture(frameNumber));
}

/** Joins frames (all of one size) into an animated GIF; `loop: false` plays it once. */
export async function encodeGif(frames: Buffer[], { delayMs, loop }: { delayMs: number; loop: boolean }): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(frames, { join: { animated: true } })
    .gif({ loop: loop ? 0 : 1, delay: frames.map(() => delayMs), effort: 4 })
    .toBuffer();
}

const notAPicture =
  (frameNumber: number) =>
  (err: Error): never => {
    throw new JobError(`Frame ${frameNumber} is not a picture Hearth can read (${err.message}).`);
  };
