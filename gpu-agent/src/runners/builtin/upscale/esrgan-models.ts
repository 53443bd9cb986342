import type * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';
import { fileModel } from '../tfjs/file-model.js';
import type { TfjsRuntime } from '../tfjs/runtime.js';

export type EsrganScale = 2 | 4;

/**
 * The ESRGAN-slim networks shipped inside `@upscalerjs/esrgan-slim` (RDN architecture, standard
 * Keras layers only, pixel values 0–255 in and out), loaded once per scale and kept until freed.
 */
export class EsrganModels {
  readonly #loading = new Map<EsrganScale, Promise<tf.LayersModel>>();

  constructor(readonly runtime: TfjsRuntime) {}

  get(scale: EsrganScale): Promise<tf.LayersModel> {
    let model = this.#loading.get(scale);
    if (!model) {
      model = this.#load(scale);
      this.#loading.set(scale, model);
      model.catch(() => this.#loading.delete(scale));
    }
    return model;
  }

  async dispose(): Promise<void> {
    const models = [...this.#loading.values()];
    this.#loading.clear();
    for (const m of await Promise.allSettled(models)) if (m.status === 'fulfilled') m.value.dispose();
  }

  async #load(scale: EsrganScale): Promise<tf.LayersModel> {
    const tf = await this.runtime.ready();
    const path = join(packageDir('@upscalerjs/esrgan-slim'), 'models', `x${scale}`, 'model.json');
    return tf.loadLayersModel(fileModel(path));
  }
}
