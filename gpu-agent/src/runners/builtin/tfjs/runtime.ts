import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';

export type TfjsBackendName = 'wasm' | 'cpu';

/**
 * Brings up TensorFlow.js on a CPU backend. `wasm` is the one to use (tfjs-node has no arm64
 * build); `cpu` (pure JS, ~30× slower) exists as the benchmark's anchor. tfjs keeps its engine
 * in process-wide state, so every runtime in a process must agree on the backend.
 */
export class TfjsRuntime {
  constructor(readonly backend: TfjsBackendName = 'wasm') {}

  async ready(): Promise<typeof tf> {
    if (tf.getBackend() !== this.backend) {
      // The .wasm files are read from the installed package, never fetched: the agent runs offline.
      if (this.backend === 'wasm' && !tf.engine().registry['wasm']) {
        setWasmPaths(join(packageDir('@tensorflow/tfjs-backend-wasm'), 'dist') + '/');
      }
      if (!(await tf.setBackend(this.backend))) throw new Error(`TensorFlow.js backend ${this.backend} failed to start`);
    }
    await tf.ready();
    return tf;
  }
}
