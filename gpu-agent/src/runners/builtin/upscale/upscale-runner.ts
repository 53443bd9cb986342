import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../../runner.js';
import { ImagePipelines } from '../image/image-pipelines.js';
import type { EsrganModels, EsrganScale } from './esrgan-models.js';
import { upscalePixels } from './upscale-pixels.js';

/**
 * Largest input per scale. Both give a 16 MP result (~400 tiles, a couple of minutes on a
 * 2-core box with the WASM backend) and bound memory to ~200 MB of pixels.
 */
export const MAX_INPUT_PIXELS: Record<EsrganScale, number> = { 2: 4_000_000, 4: 1_000_000 };

export interface UpscaleRunnerOptions {
  models: EsrganModels;
  /** Decoding and encoding (sharp), outside the agent's process; default: a process of its own. */
  images?: ImagePipelines;
  tileSize?: number;
  pad?: number;
}

export class UpscaleRunner implements Runner<'image.upscale'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['image.upscale'] as const;
  readonly #models: EsrganModels;
  readonly #images: ImagePipelines;
  readonly #tileSize: number;
  readonly #pad: number;

  constructor({ models, images = new ImagePipelines(), tileSize = 128, pad = 12 }: UpscaleRunnerOptions) {
    this.#models = models;
    this.#images = images;
    this.#tileSize = tileSize;
    this.#pad = pad;
  }

  async run(job: RunnerJob<'image.upscale'>, ctx: RunContext): Promise<RunResult> {
    const { mediaId, scale } = job.input;
    const { bytes } = await ctx.fetchMedia(mediaId);
    const size = await this.#images.size(bytes, ctx.signal);
    const limit = MAX_INPUT_PIXELS[scale];
    if (size.width * size.height > limit) {
      throw new JobError(
        `This picture is ${size.width}×${size.height} (${megapixels(size.width * size.height)} MP); ` +
          `×${scale} upscaling takes pictures up to ${megapixels(limit)} MP. ` +
          (scale === 4 ? 'Choose ×2 or a smaller picture.' : 'Choose a smaller picture.'),
      );
    }
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 0, stage: 'loading model' });
    await this.#models.load(scale, ctx.signal);
    const rgb = await this.#images.decodeRgb(bytes, ctx.signal);
    const upscaleWindow = (pixels: Float32Array, width: number, height: number) => this.#models.upscaleTile(scale, pixels, width, height, ctx.signal);
    const upscaled = await upscalePixels(upscaleWindow, rgb, {
      scale,
      tileSize: this.#tileSize,
      pad: this.#pad,
      signal: ctx.signal,
      onTile: (done, total) => ctx.progress({ fraction: (0.95 * done) / total, stage: `tile ${done}/${total}` }),
    });
    ctx.progress({ fraction: 0.97, stage: 'saving' });
    const png = await this.#images.encodeUpscaled(bytes, upscaled, size.hasAlpha, ctx.signal);
    ctx.signal.throwIfAborted();
    const name = `upscaled-x${scale}.png`;
    await ctx.upload({ name, contentType: 'image/png', bytes: png });
    return { artifacts: [name], data: { width: upscaled.width, height: upscaled.height, scale } };
  }

  async freeMemory(): Promise<void> {
    await Promise.all([this.#models.dispose(), this.#images.close()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#models.dispose(), this.#images.close()]);
  }
}

const megapixels = (pixels: number) => (pixels / 1_000_000).toFixed(1);
