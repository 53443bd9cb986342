// `npm run build -w gpu-agent`: the agent and its worker threads as JavaScript in dist/.
import { fileURLToPath } from 'node:url';
import { buildService } from '../scripts/build-service.mjs';

// Worker names must match WORKER_SOURCES in src/start-worker.ts.
await buildService(fileURLToPath(new URL('.', import.meta.url)), {
  main: 'main.ts',
  'tfjs-worker': 'runners/builtin/tfjs/runtime-worker.ts',
  'inventory-worker': 'inventory/inventory-worker.ts',
  'llama-worker': 'runners/llm/builtin/llama-worker.ts',
  'image-worker': 'runners/builtin/image/image-worker.ts',
});
