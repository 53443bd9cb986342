import type * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';
import { fileModel } from '../tfjs/file-model.js';
import type { EsrganScale } from '../tfjs/messages.js';

/**
 * The ESRGAN-slim networks shipped inside `@upscalerjs/esrgan-slim` (RDN architecture, standard
 * Keras layers only, pixel values 0–255 in and out). Runs inside the TensorFlow.js worker.
 */
export function loadEsrgan(tfjs: typeof tf, scale: EsrganScale): Promise<tf.LayersModel> {
  const path = join(packageDir('@upscalerjs/esrgan-slim'), 'models', `x${scale}`, 'model.json');
  return tfjs.loadLayersModel(fileModel(path));
}

/** One window through the network: RGB floats in, RGB bytes `scale` times larger out. */
export async function upscaleWindow(tfjs: typeof tf, model: tf.LayersModel, pixels: Float32Array, width: number, height: number): Promise<Uint8Array> {
  const result = tfjs.tidy(() => {
    const batch = tfjs.tensor4d(pixels, [1, height, width, 3]);
    return tfjs
      .clipByValue(model.predict(batch) as tf.Tensor, 0, 255)
      .round()
      .toInt();
  });
  try {
    return Uint8Array.from(await result.data());
  } finally {
    result.dispose();
  }
}
