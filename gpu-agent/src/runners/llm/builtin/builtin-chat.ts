/**
 * The built-in LLM: llama.cpp through node-llama-cpp (prebuilt binaries from npm) on a GGUF file
 * the admin chose, in a worker thread of its own. Nothing is loaded until the first job; the
 * thread (and with it the model's memory) goes after `idleUnloadMs` without a job, on
 * freeMemory() and on close(). A cancel rejects at once and tells the thread to stop.
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../../start-worker.js';
import type { BuiltinLlmSettings } from '../../../backends/settings.js';
import { JobError } from '../../runner.js';
import type { ChatAnswer, ChatBackend, ChatRequest } from '../backend.js';
import type { LlamaReply, LlamaRequest, LlamaWorkerData } from './messages.js';

interface Pending {
  req: ChatRequest;
  resolve(answer: ChatAnswer): void;
  reject(reason: unknown): void;
  detach(): void;
}

export class BuiltinChat implements ChatBackend {
  readonly name = 'the built-in language model';
  #worker: Worker | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: BuiltinLlmSettings) {}

  /** Whether a worker thread (and so the model) is loaded now. */
  get loaded(): boolean {
    return this.#worker !== undefined;
  }

  chat(req: ChatRequest): Promise<ChatAnswer> {
    if (req.signal.aborted) return Promise.reject(req.signal.reason);
    clearTimeout(this.#idleTimer);
    const worker = this.#start();
    const id = this.#nextId++;
    const limit = this.settings.maxTokens ?? 2048;
    return new Promise<ChatAnswer>((resolve, reject) => {
      const onAbort = () => {
        this.#settle(id);
        worker.postMessage({ op: 'cancel', id } satisfies LlamaRequest);
        reject(req.signal.reason);
      };
      req.signal.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { req, resolve, reject, detach: () => req.signal.removeEventListener('abort', onAbort) });
      if (this.#pending.size === 1) worker.ref();
      worker.postMessage({
        op: 'generate',
        id,
        messages: req.messages,
        schema: req.schema,
        maxTokens: Math.min(limit, req.maxTokens ?? limit),
        temperature: this.settings.temperature ?? 0.7,
      } satisfies LlamaRequest);
    });
  }

  /** Up when the model file is there and is a GGUF file (the model itself loads on the first job). */
  async healthy(): Promise<boolean> {
    try {
      const file = await open(this.settings.modelPath, 'r');
      try {
        const head = Buffer.alloc(4);
        await file.read(head, 0, 4, 0);
        return head.toString('latin1') === 'GGUF';
      } finally {
        await file.close();
      }
    } catch {
      return false;
    }
  }

  async freeMemory(): Promise<void> {
    if (this.#pending.size === 0) await this.close();
  }

  async close(): Promise<void> {
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(new JobError(`${this.name} was unloaded`, true));
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const worker = startWorker('llama-worker', {
      workerData: {
        modelPath: this.settings.modelPath,
        // llama.cpp's threads spin while they wait: more threads than free cores is many times slower
        // (seen: 17 vs 0.7 tokens/s on a busy 2-core machine), so one core is left to the agent.
        threads: this.settings.threads ?? Math.max(1, Math.min(8, availableParallelism() - 1)),
        contextSize: this.settings.contextSize ?? 4096,
      } satisfies LlamaWorkerData,
    });
    worker.unref();
    worker.on('message', (reply: LlamaReply) => this.#onReply(reply));
    const lost = (reason: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(reason);
    };
    worker.on('error', (err) => lost(new JobError(`${this.name} failed: ${err.message}`, true)));
    worker.on('exit', (code) => lost(new JobError(`${this.name} stopped (exit code ${code})`, true)));
    this.#worker = worker;
    return worker;
  }

  #onReply(reply: LlamaReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return; // cancelled meanwhile
    if (reply.kind === 'text') {
      pending.req.onText(reply.delta, reply.tokens);
      return;
    }
    this.#settle(reply.id);
    if (reply.kind === 'done') pending.resolve({ text: reply.text, truncated: reply.truncated, tokens: reply.tokens, model: reply.model });
    else pending.reject(new JobError(`${this.name} failed: ${reply.message}`, false, `${reply.name}: ${reply.message}`));
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.detach();
    if (this.#pending.size === 0) {
      this.#worker?.unref();
      this.#scheduleUnload();
    }
    return pending;
  }

  #scheduleUnload(): void {
    clearTimeout(this.#idleTimer);
    const idleMs = this.settings.idleUnloadMs ?? 5 * 60_000;
    if (!this.#worker || idleMs <= 0) return; // 0: keep the model loaded
    this.#idleTimer = setTimeout(() => void this.freeMemory(), idleMs);
    this.#idleTimer.unref();
  }

  #failAll(reason: Error): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id)?.reject(reason);
  }
}
