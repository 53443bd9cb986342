import { loadSharp } from '../../load-sharp.js';
import { JobError } from '../../runner.js';
import { TfjsRuntime } from '../tfjs/runtime.js';
import { NSFW_INPUT_SIZE, type NsfwClass } from './nsfw-network.js';

export { NSFW_CLASSES, type NsfwClass } from './nsfw-network.js';

/**
 * A picture is `unsafe` when the classes not fit for children (Porn, Hentai, Sexy) together
 * reach this probability. Deliberately strict: a false alarm only hides a picture from
 * children and the kiosk until an adult looks; a miss shows it.
 */
export const UNSAFE_THRESHOLD = 0.5;
const UNSAFE_CLASSES: readonly NsfwClass[] = ['Porn', 'Hentai', 'Sexy'];

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

/**
 * The nsfwjs MobileNetV2 classifier, as seen from the main thread: pictures are decoded here
 * (sharp works off the event loop anyway) and classified in the runtime's worker, where the
 * model loads on first use and stays until `dispose()`.
 */
export class NsfwModerator {
  constructor(readonly runtime: TfjsRuntime) {}

  async moderate(bytes: Buffer, signal?: AbortSignal): Promise<Moderation> {
    // A copy of our own, so moving it to the worker cannot take memory sharp or Buffer pools still use.
    const pixels = new Uint8Array(await decodeForClassifier(bytes));
    const probabilities = await this.runtime.request({ op: 'classify', pixels }, { signal, transfer: [pixels.buffer] });
    return verdictFor(probabilities as Record<NsfwClass, number>);
  }

  dispose(): Promise<void> {
    return this.runtime.unload(['nsfw']);
  }
}

/**
 * Moderates one picture. Loading the classifier takes about a second, so code that moderates
 * often should keep an `NsfwModerator` and pass it in; without one, a moderator (and its
 * worker) is made for this call and closed after it.
 */
export async function moderateImage(bytes: Buffer, moderator?: NsfwModerator): Promise<Moderation> {
  if (moderator) return moderator.moderate(bytes);
  const once = new NsfwModerator(new TfjsRuntime('wasm'));
  try {
    return await once.moderate(bytes);
  } finally {
    await once.runtime.close();
  }
}

/** Upright sRGB at the classifier's size; transparent areas shown as on a white page. */
async function decodeForClassifier(bytes: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await sharp(bytes, { limitInputPixels: 50_000_000 })
      .rotate()
      .flatten({ background: '#ffffff' })
      .resize(NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, { fit: 'fill' })
      .toColourspace('srgb')
      .raw()
      .toBuffer();
  } catch (err) {
    throw new JobError(`This file is not a picture Hearth can read (${(err as Error).message}).`);
  }
}
