import { ImagePipelines } from '../image/image-pipelines.js';
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
 * The nsfwjs MobileNetV2 classifier, as seen from the main thread: pictures are decoded in the
 * image process and classified in the runtime's worker, where the model loads on first use and
 * stays until `dispose()`.
 */
export class NsfwModerator {
  constructor(
    readonly runtime: TfjsRuntime,
    readonly images = new ImagePipelines(),
  ) {}

  async moderate(bytes: Buffer, signal?: AbortSignal): Promise<Moderation> {
    // A copy of our own, so moving it to the worker takes nothing another view still uses.
    const pixels = new Uint8Array(await this.images.classifierInput(bytes, NSFW_INPUT_SIZE, signal));
    const probabilities = await this.runtime.request({ op: 'classify', pixels }, { signal, transfer: [pixels.buffer] });
    return verdictFor(probabilities as Record<NsfwClass, number>);
  }

  async dispose(): Promise<void> {
    await Promise.all([this.runtime.unload(['nsfw']), this.images.close()]);
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
    await Promise.all([once.runtime.close(), once.images.close()]);
  }
}
