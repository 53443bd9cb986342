/** What the main thread asks of the TensorFlow.js worker, and what each request answers. */

export type TfjsBackendName = 'wasm' | 'cpu';
export type EsrganScale = 2 | 4;
export type ModelName = 'esrgan-x2' | 'esrgan-x4' | 'nsfw';

export type TfjsRequest =
  | { op: 'load'; model: ModelName }
  /** One window of interleaved RGB, values 0–255 as floats; answers the upscaled window as bytes. */
  | { op: 'upscale-tile'; scale: EsrganScale; pixels: Float32Array; width: number; height: number }
  /** Interleaved RGB at the classifier's input size; answers one probability per class name. */
  | { op: 'classify'; pixels: Uint8Array }
  /** Answers how many models the worker still holds. */
  | { op: 'unload'; models: ModelName[] };

export interface TfjsAnswers {
  load: null;
  'upscale-tile': Uint8Array;
  classify: Record<string, number>;
  unload: number;
}

export interface TfjsWorkerData {
  backend: TfjsBackendName;
}
