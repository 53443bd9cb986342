import { loadSharp } from '../load-sharp.js';
import { JobError } from '../runner.js';

/** Refuse absurd files before decoding them (sharp's own default is 268 MP). */
const MAX_DECODE_PIXELS = 50_000_000;

export interface ImageSize {
  width: number;
  height: number;
  hasAlpha: boolean;
}

/** Reads only the header; throws a JobError a person understands when the bytes are no picture. */
export async function readImageSize(bytes: Buffer): Promise<ImageSize> {
  const sharp = await loadSharp();
  try {
    // Header only, so no pixel limit here: callers compare the size against their own bounds.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    // autoOrient dimensions: a portrait phone photo is stored landscape with an EXIF rotation.
    const { width, height } = meta.autoOrient;
    return { width, height, hasAlpha: meta.hasAlpha };
  } catch (err) {
    throw new JobError(`This file is not a picture Hearth can read (${(err as Error).message}).`);
  }
}

/** Decodes to upright 8-bit sRGB pixels, 3 channels, alpha dropped. */
export async function decodeRgb(bytes: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_DECODE_PIXELS })
      .rotate()
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new JobError(`This file is not a picture Hearth can read (${(err as Error).message}).`);
  }
}
