/**
 * The built-in LLM: llama.cpp through node-llama-cpp (prebuilt binaries from npm) on a GGUF file
 * the admin chose, in a worker thread of its own run by a WorkerHost like the other built-in
 * models: nothing is loaded until the first job; the thread (and with it the model's memory) goes
 * after `idleUnloadMs` without a job (the agent's HEARTH_AGENT_MODEL_IDLE_MS unless the settings
 * name their own), on freeMemory() and on close(). A cancel rejects at once and stops the thread's
 * generation.
 */
import { open } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { BuiltinLlmSettings } from '../../../backends/settings.js';
import { JobError } from '../../runner.js';
import { WorkerHost, WorkerLostError } from '../../worker-host.js';
import type { ChatAnswer, ChatBackend, ChatRequest } from '../backend.js';
import type { LlamaAnswers, LlamaRequest, LlamaText, LlamaWorkerData } from './messages.js';

export class BuiltinChat implements ChatBackend {
  readonly name = 'the built-in language model';
  readonly #host: WorkerHost<LlamaRequest, LlamaAnswers>;

  constructor(private readonly settings: BuiltinLlmSettings) {
    this.#host = new WorkerHost({
      worker: 'llama-worker',
      workerData: {
        modelPath: settings.modelPath,
        // llama.cpp's threads spin while they wait: more threads than free cores is many times slower
        // (seen: 17 vs 0.7 tokens/s on a busy 2-core machine), so one core is left to the agent.
        threads: settings.threads ?? Math.max(1, Math.min(8, availableParallelism() - 1)),
        contextSize: settings.contextSize ?? 4096,
      } satisfies LlamaWorkerData,
      idleUnloadMs: settings.idleUnloadMs ?? 5 * 60_000,
      label: 'built-in language model',
    });
  }

  /** Whether a worker thread (and so the model) is loaded now. */
  get loaded(): boolean {
    return this.#host.running;
  }

  async chat(req: ChatRequest): Promise<ChatAnswer> {
    const limit = this.settings.maxTokens ?? 2048;
    try {
      return await this.#host.request(
        {
          op: 'generate',
          messages: req.messages,
          schema: req.schema,
          maxTokens: Math.min(limit, req.maxTokens ?? limit),
          temperature: this.settings.temperature ?? 0.7,
        },
        { signal: req.signal, onEvent: (e) => req.onText((e as LlamaText).delta, (e as LlamaText).tokens) },
      );
    } catch (err) {
      if (req.signal.aborted) throw req.signal.reason;
      // The thread went (crash, unload): another attempt starts a fresh one.
      if (err instanceof WorkerLostError) throw new JobError(`${this.name} stopped: ${err.message}`, true);
      const e = err as Error;
      throw new JobError(`${this.name} failed: ${e.message}`, false, `${e.name}: ${e.message}`);
    }
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
    if (this.#host.idle) await this.#host.close();
  }

  close(): Promise<void> {
    return this.#host.close();
  }
}
