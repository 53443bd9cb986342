/**
 * The TensorFlow.js worker thread: owns tfjs, its backend and every loaded model, and answers
 * the main thread's requests one message each (see messages.ts). Started by TfjsRuntime; tfjs and
 * nsfwjs are imported here only, never in the agent's main thread.
 */
import type * as tf from '@tensorflow/tfjs';
import type { NSFWJS } from 'nsfwjs';
import type { Transferable } from 'node:worker_threads';
import { serveRequests, workerInput } from '../../serve-requests.js';
import { classifyPixels, loadNsfw } from '../moderate/nsfw-network.js';
import { loadEsrgan, upscaleWindow } from '../upscale/esrgan-network.js';
import { startBackend } from './backend.js';
import type { EsrganScale, ModelName, TfjsRequest, TfjsWorkerData } from './messages.js';

const tfjs = startBackend(workerInput<TfjsWorkerData>().backend);
const esrgan = new Map<EsrganScale, Promise<tf.LayersModel>>();
let nsfw: Promise<NSFWJS> | undefined;

function loaded<T>(promise: Promise<T>, forget: () => void): Promise<T> {
  promise.catch(forget);
  return promise;
}

function esrganModel(scale: EsrganScale): Promise<tf.LayersModel> {
  let model = esrgan.get(scale);
  if (!model) {
    model = loaded(
      tfjs.then((t) => loadEsrgan(t, scale)),
      () => esrgan.delete(scale),
    );
    esrgan.set(scale, model);
  }
  return model;
}

function nsfwModel(): Promise<NSFWJS> {
  // The backend must be up before nsfwjs allocates its first tensor.
  nsfw ??= loaded(
    tfjs.then(() => loadNsfw()),
    () => (nsfw = undefined),
  );
  return nsfw;
}

async function unload(models: ModelName[]): Promise<number> {
  const dropped: Promise<{ dispose(): void }>[] = [];
  for (const name of models) {
    if (name === 'nsfw') {
      if (nsfw) dropped.push(nsfw);
      nsfw = undefined;
    } else {
      const scale: EsrganScale = name === 'esrgan-x2' ? 2 : 4;
      const model = esrgan.get(scale);
      if (model) dropped.push(model);
      esrgan.delete(scale);
    }
  }
  for (const m of await Promise.allSettled(dropped)) if (m.status === 'fulfilled') m.value.dispose();
  return esrgan.size + (nsfw ? 1 : 0);
}

async function answer(request: TfjsRequest): Promise<[unknown, Transferable[]]> {
  switch (request.op) {
    case 'load':
      await (request.model === 'nsfw' ? nsfwModel() : esrganModel(request.model === 'esrgan-x2' ? 2 : 4));
      return [null, []];
    case 'upscale-tile': {
      const model = await esrganModel(request.scale);
      const out = await upscaleWindow(await tfjs, model, request.pixels, request.width, request.height);
      return [out, [out.buffer as ArrayBuffer]];
    }
    case 'classify':
      return [await classifyPixels(await tfjs, await nsfwModel(), request.pixels), []];
    case 'unload':
      return [await unload(request.models), []];
  }
}

serveRequests(answer);
