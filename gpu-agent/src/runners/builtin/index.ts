import type { Runner } from '../runner.js';
import { ComicRunner } from './comic/comic-runner.js';
import { ComicRenderRunner } from './comic/comic-render-runner.js';
import { ComicLookRunner } from './comic-look/comic-look-runner.js';
import { GifRunner } from './gif/gif-runner.js';
import { ImagePipelines } from './image/image-pipelines.js';
import { ModerateRunner } from './moderate/moderate-runner.js';
import { NsfwModerator } from './moderate/nsfw-moderator.js';
import { TfjsRuntime } from './tfjs/runtime.js';
import { EsrganModels } from './upscale/esrgan-models.js';
import { UpscaleRunner } from './upscale/upscale-runner.js';

export { moderateImage, NsfwModerator, UNSAFE_THRESHOLD, type Moderation } from './moderate/nsfw-moderator.js';
export { MAX_INPUT_PIXELS as UPSCALE_MAX_INPUT_PIXELS } from './upscale/upscale-runner.js';
export { TfjsRuntime } from './tfjs/runtime.js';

export interface BuiltinRunners {
  runners: Runner[];
  /** The loaded classifier, for code that moderates pictures outside a job. */
  moderator: NsfwModerator;
}

/**
 * The runners that need no server: they run on the CPU of any machine. Models load lazily on
 * first use and are dropped by `freeMemory()`; all share one TensorFlow.js WASM runtime, whose
 * worker thread does the inference off the agent's event loop.
 */
export function createBuiltinRunners(runtime = new TfjsRuntime('wasm'), images = new ImagePipelines()): BuiltinRunners {
  const moderator = new NsfwModerator(runtime, images);
  return {
    moderator,
    runners: [
      new UpscaleRunner({ models: new EsrganModels(runtime), images }),
      new ModerateRunner(moderator),
      new GifRunner(),
      new ComicRunner(),
      new ComicRenderRunner(),
      new ComicLookRunner(),
    ],
  };
}
