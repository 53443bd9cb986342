/**
 * The image process: sharp (libvips) for the built-in model runners — decoding their inputs,
 * encoding the upscaler's result, the classifier's input. Started by ImagePipelines as a child
 * process so that its end gives libvips' memory back to the PC (a thread's end would not).
 */
import { loadSharp } from '../../load-sharp.js';
import { serveRequests } from '../../serve-requests.js';
import { JobError } from '../../runner.js';
import { decodeRgb, readImageSize } from '../decode-image.js';
import type { ImageRequest, RgbImage } from './messages.js';

/** IPC hands buffers over as plain Uint8Arrays. */
const buffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

async function encodeUpscaled(original: Buffer, rgb: RgbImage, hasAlpha: boolean): Promise<Buffer> {
  const sharp = await loadSharp();
  const image = sharp(buffer(rgb.data), { raw: { width: rgb.width, height: rgb.height, channels: 3 } });
  if (hasAlpha) {
    const alpha = await sharp(original).rotate().extractChannel('alpha').resize(rgb.width, rgb.height, { kernel: 'lanczos3' }).raw().toBuffer();
    image.joinChannel(alpha, { raw: { width: rgb.width, height: rgb.height, channels: 1 } });
  }
  return image.png().toBuffer();
}

async function classifierInput(bytes: Buffer, size: number): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await sharp(bytes, { limitInputPixels: 50_000_000 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(size, size, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  } catch (err) {
    throw new JobError(`This file is not a picture Hearth can read (${(err as Error).message}).`);
  }
}

serveRequests<ImageRequest>(async (request) => {
  switch (request.op) {
    case 'size':
      return [await readImageSize(buffer(request.bytes)), []];
    case 'decode-rgb':
      return [await decodeRgb(buffer(request.bytes)), []];
    case 'encode-upscaled':
      return [await encodeUpscaled(buffer(request.original), request.rgb, request.hasAlpha), []];
    case 'classifier-input':
      return [await classifierInput(buffer(request.bytes), request.size), []];
  }
});
