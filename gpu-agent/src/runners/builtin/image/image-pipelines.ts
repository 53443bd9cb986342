import { WorkerHost } from '../../worker-host.js';
import { JobError } from '../../runner.js';
import type { ImageSize } from '../decode-image.js';
import type { ImageAnswers, ImageRequest, RgbImage } from './messages.js';

export interface ImagePipelinesOptions {
  /** End the image process after this long without a request; 0: keep it until closed. */
  idleUnloadMs?: number;
}

/**
 * The sharp pipelines of the model runners (upscale, moderation), run in a child process that
 * starts with the first picture and ends after `idleUnloadMs` idle, on freeMemory or close: the
 * agent's own process never loads libvips for them, so after an idle unload it is back near its
 * idle size.
 */
export class ImagePipelines {
  readonly #host: WorkerHost<ImageRequest, ImageAnswers>;

  constructor({ idleUnloadMs = 0 }: ImagePipelinesOptions = {}) {
    this.#host = new WorkerHost({ worker: 'image-worker', isolation: 'process', idleUnloadMs, label: 'image process' });
  }

  /** Whether the image process is alive now. */
  get running(): boolean {
    return this.#host.running;
  }

  /** Reads only the header; a JobError a person understands when the bytes are no picture. */
  size(bytes: Buffer, signal?: AbortSignal): Promise<ImageSize> {
    return this.#ask({ op: 'size', bytes }, signal);
  }

  /** Upright 8-bit sRGB pixels, 3 channels, alpha dropped. */
  async decodeRgb(bytes: Buffer, signal?: AbortSignal): Promise<{ data: Buffer; width: number; height: number }> {
    const rgb = await this.#ask({ op: 'decode-rgb', bytes }, signal);
    return { ...rgb, data: Buffer.from(rgb.data.buffer, rgb.data.byteOffset, rgb.data.byteLength) };
  }

  /** ESRGAN sees colour only; transparency is scaled with a classic filter and put back. */
  async encodeUpscaled(original: Buffer, rgb: RgbImage, hasAlpha: boolean, signal?: AbortSignal): Promise<Buffer> {
    const png = await this.#ask({ op: 'encode-upscaled', original, rgb, hasAlpha }, signal);
    return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  }

  /** Upright sRGB at `size`×`size`, transparent areas shown as on a white page. */
  classifierInput(bytes: Buffer, size: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.#ask({ op: 'classifier-input', bytes, size }, signal);
  }

  close(): Promise<void> {
    return this.#host.close();
  }

  async #ask<Q extends ImageRequest>(request: Q, signal?: AbortSignal): Promise<ImageAnswers[Q['op']]> {
    try {
      return await this.#host.request(request, { signal });
    } catch (err) {
      // The error's class does not cross the process boundary; its name does.
      if (err instanceof Error && err.name === 'JobError') throw new JobError(err.message);
      throw err;
    }
  }
}
