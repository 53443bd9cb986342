import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The agent's worker threads: bundle name in dist/ (see ../build.mjs) -> source entry under src/. */
export const WORKER_SOURCES = {
  'tfjs-worker': 'runners/builtin/tfjs/runtime-worker.ts',
  'inventory-worker': 'inventory/inventory-worker.ts',
  'llama-worker': 'runners/llm/builtin/llama-worker.ts',
  'image-worker': 'runners/builtin/image/image-worker.ts',
} as const;
export type WorkerName = keyof typeof WORKER_SOURCES;

/** How a worker process gets its `workerData` (JSON); see workerInput() in serve-requests.ts. */
export const WORKER_DATA_ENV = 'HEARTH_WORKER_DATA';

// This module lies directly in src/ and is bundled into dist/main.js, so `./` is src/ or dist/.
const fromSource = import.meta.url.endsWith('.ts');

export function workerUrl(name: WorkerName): URL {
  return new URL(fromSource ? `./${WORKER_SOURCES[name]}` : `./${name}.js`, import.meta.url);
}

/**
 * Starts one of the agent's worker threads. From the build it is plain JavaScript; from source
 * (tests, `npm start`) a worker does not inherit tsx's loader on Node 20, so a tiny bootstrap
 * registers tsx inside the worker before importing the entry.
 */
export function startWorker(name: WorkerName, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const entry = workerUrl(name);
  if (!fromSource) return new Worker(entry, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/**
 * Starts one of them as a child process instead (see WorkerHostOptions.isolation): messages go
 * over IPC with the structured-clone serialization, as to a thread. From source it runs under
 * tsx; from the build with the agent's own Node flags.
 */
export function startWorkerProcess(name: WorkerName, workerData?: unknown): ChildProcess {
  const execArgv = fromSource ? ['--import', import.meta.resolve('tsx')] : process.execArgv;
  const env = { ...process.env, [WORKER_DATA_ENV]: JSON.stringify(workerData ?? null) };
  return fork(fileURLToPath(workerUrl(name)), [], { execArgv, env, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
