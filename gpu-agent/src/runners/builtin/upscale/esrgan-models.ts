import type { EsrganScale, ModelName } from '../tfjs/messages.js';
import type { TfjsRuntime } from '../tfjs/runtime.js';

export type { EsrganScale } from '../tfjs/messages.js';

const MODELS: Record<EsrganScale, ModelName> = { 2: 'esrgan-x2', 4: 'esrgan-x4' };

/**
 * The ESRGAN-slim networks, as seen from the main thread: they live in the runtime's worker,
 * load there on first use (or `load()`) and stay until `dispose()`.
 */
export class EsrganModels {
  constructor(readonly runtime: TfjsRuntime) {}

  load(scale: EsrganScale, signal?: AbortSignal): Promise<void> {
    return this.runtime.request({ op: 'load', model: MODELS[scale] }, { signal }).then(() => undefined);
  }

  /** One window of RGB floats (moved to the worker, not copied) in; RGB bytes `scale` times larger out. */
  upscaleTile(scale: EsrganScale, pixels: Float32Array, width: number, height: number, signal?: AbortSignal): Promise<Uint8Array> {
    return this.runtime.request({ op: 'upscale-tile', scale, pixels, width, height }, { signal, transfer: [pixels.buffer as ArrayBuffer] });
  }

  dispose(): Promise<void> {
    return this.runtime.unload(Object.values(MODELS));
  }
}
