import type * as tf from '@tensorflow/tfjs';
import { load, type NSFWJS } from 'nsfwjs';
import sharp from 'sharp';
import { JobError } from '../../runner.js';
import { TfjsRuntime } from '../tfjs/runtime.js';

export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];

/**
 * A picture is `unsafe` when the classes not fit for children (Porn, Hentai, Sexy) together
 * reach this probability. Deliberately strict: a false alarm only hides a picture from
 * children and the kiosk until an adult looks; a miss shows it.
 */
export const UNSAFE_THRESHOLD = 0.5;
const UNSAFE_CLASSES: readonly NsfwClass[] = ['Porn', 'Hentai', 'Sexy'];

/** MobileNetV2 looks at 224×224 pixels; nsfwjs would resize to this anyway. */
const INPUT_SIZE = 224;

export interface Moderation {
  verdict: 'safe' | 'unsafe';
  /** Probability that the picture is unfit for children: sum of the unsafe classes. */
  unsafeScore: number;
  threshold: number;
  probabilities: Record<NsfwClass, number>;
}

export function verdictFor(probabilities: Record<NsfwClass, number>): Moderation {
  const unsafeScore = UNSAFE_CLASSES.reduce((sum, c) => sum + probabilities[c], 0);
  return { verdict: unsafeScore >= UNSAFE_THRESHOLD ? 'unsafe' : 'safe', unsafeScore, threshold: UNSAFE_THRESHOLD, probabilities };
}

/** The nsfwjs MobileNetV2 classifier, loaded offline from the files bundled in the package. */
export class NsfwModerator {
  #model: Promise<NSFWJS> | undefined;

  constructor(readonly runtime: TfjsRuntime) {}

  async moderate(bytes: Buffer): Promise<Moderation> {
    const [tfjs, model] = await Promise.all([this.runtime.ready(), this.#load()]);
    const pixels = await decodeForClassifier(bytes);
    const image = tfjs.tensor3d(new Int32Array(pixels), [INPUT_SIZE, INPUT_SIZE, 3], 'int32') as tf.Tensor3D;
    try {
      const predictions = await model.classify(image, NSFW_CLASSES.length);
      const probabilities = Object.fromEntries(NSFW_CLASSES.map((c) => [c, 0])) as Record<NsfwClass, number>;
      for (const p of predictions) probabilities[p.className as NsfwClass] = p.probability;
      return verdictFor(probabilities);
    } finally {
      image.dispose();
    }
  }

  async dispose(): Promise<void> {
    const model = this.#model;
    this.#model = undefined;
    if (model) (await model.catch(() => undefined))?.dispose();
  }

  #load(): Promise<NSFWJS> {
    if (!this.#model) {
      // The backend must be up before nsfwjs allocates its first tensor.
      this.#model = this.runtime.ready().then(() => load('MobileNetV2', { size: INPUT_SIZE }));
      this.#model.catch(() => (this.#model = undefined));
    }
    return this.#model;
  }
}

/**
 * Moderates one picture. Loading the classifier takes about a second, so code that moderates
 * often should keep an `NsfwModerator` and pass it in; without one, a moderator is made for
 * this call and disposed after it.
 */
export async function moderateImage(bytes: Buffer, moderator?: NsfwModerator): Promise<Moderation> {
  if (moderator) return moderator.moderate(bytes);
  const once = new NsfwModerator(new TfjsRuntime('wasm'));
  try {
    return await once.moderate(bytes);
  } finally {
    await once.dispose();
  }
}

/** Upright sRGB at the classifier's size; transparent areas shown as on a white page. */
async function decodeForClassifier(bytes: Buffer): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: 50_000_000 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(INPUT_SIZE, INPUT_SIZE, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  } catch (err) {
    throw new JobError(`This file is not a picture Hearth can read (${(err as Error).message}).`);
  }
}
