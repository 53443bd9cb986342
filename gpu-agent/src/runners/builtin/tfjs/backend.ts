import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';
import type { TfjsBackendName } from './messages.js';

/**
 * Brings up TensorFlow.js on a CPU backend (inside the runtime's worker). `wasm` is the one to use
 * (tfjs-node has no arm64 build); `cpu` (pure JS, ~40× slower) exists as the benchmark's anchor.
 */
export async function startBackend(backend: TfjsBackendName): Promise<typeof tf> {
  if (tf.getBackend() !== backend) {
    // The .wasm files are read from the installed package, never fetched: the agent runs offline.
    if (backend === 'wasm' && !tf.engine().registry['wasm']) {
      setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
    }
    if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} failed to start`);
  }
  await tf.ready();
  return tf;
}
