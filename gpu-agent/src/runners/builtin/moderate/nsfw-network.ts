import type * as tf from '@tensorflow/tfjs';
import { load, type NSFWJS } from 'nsfwjs';

export const NSFW_CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'] as const;
export type NsfwClass = (typeof NSFW_CLASSES)[number];

/** MobileNetV2 looks at 224×224 pixels; nsfwjs would resize to this anyway. */
export const NSFW_INPUT_SIZE = 224;

/** The nsfwjs MobileNetV2 classifier, from the files bundled in the package (no network). */
export function loadNsfw(): Promise<NSFWJS> {
  return load('MobileNetV2', { size: NSFW_INPUT_SIZE });
}

/** Probabilities of every class for one picture already at the input size. Runs inside the TensorFlow.js worker. */
export async function classifyPixels(tfjs: typeof tf, model: NSFWJS, pixels: Uint8Array): Promise<Record<NsfwClass, number>> {
  const image = tfjs.tensor3d(Int32Array.from(pixels), [NSFW_INPUT_SIZE, NSFW_INPUT_SIZE, 3], 'int32');
  try {
    const predictions = await model.classify(image, NSFW_CLASSES.length);
    const probabilities = Object.fromEntries(NSFW_CLASSES.map((c) => [c, 0])) as Record<NsfwClass, number>;
    for (const p of predictions) probabilities[p.className as NsfwClass] = p.probability;
    return probabilities;
  } finally {
    image.dispose();
  }
}
