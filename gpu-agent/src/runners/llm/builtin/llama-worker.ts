/**
 * The built-in LLM's worker thread: node-llama-cpp and the GGUF model are loaded here on the first
 * request (never on the agent's main thread, whose event loop keeps telemetry and cancels
 * moving), one generation at a time, held to the request's JSON Schema by a llama.cpp grammar.
 * The thread ends when the agent unloads it, which gives all of the model's memory back.
 */
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { Llama, LlamaContext, LlamaModel, ChatHistoryItem } from 'node-llama-cpp';
import type { LlamaReply, LlamaRequest, LlamaWorkerData } from './messages.js';

const data = workerData as LlamaWorkerData;
const port = parentPort!;
const reply = (r: LlamaReply) => port.postMessage(r);

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  name: string;
}
let loading: Promise<Loaded> | undefined;
const running = new Map<number, AbortController>();
let queue: Promise<void> = Promise.resolve();

async function load(): Promise<Loaded> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  // Prebuilt CPU binaries from npm only: never download or compile at run time.
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath: data.modelPath });
  const context = await model.createContext({ contextSize: Math.min(data.contextSize, model.trainContextSize), threads: data.threads });
  return { llama, model, context, name: basename(data.modelPath) };
}

async function generate(req: Extract<LlamaRequest, { op: 'generate' }>, signal: AbortSignal): Promise<void> {
  const { LlamaChatSession } = await import('node-llama-cpp');
  // A model that failed to load is tried again on the next request, not remembered as broken.
  loading ??= load().catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  const { llama, context, name } = await loading;
  signal.throwIfAborted();
  const grammar = await llama.createGrammarForJsonSchema(req.schema as never);
  const sequence = context.getSequence();
  const session = new LlamaChatSession({ contextSequence: sequence });
  try {
    const history: ChatHistoryItem[] = [];
    for (const m of req.messages.slice(0, -1)) {
      if (m.role === 'system') history.push({ type: 'system', text: m.content });
      else if (m.role === 'user') history.push({ type: 'user', text: m.content });
      else history.push({ type: 'model', response: [m.content] });
    }
    session.setChatHistory(history);
    let tokens = 0;
    const answer = await session.promptWithMeta(req.messages.at(-1)?.content ?? '', {
      grammar,
      maxTokens: req.maxTokens,
      temperature: req.temperature,
      signal,
      onToken: (t) => (tokens += t.length),
      onTextChunk: (delta) => reply({ id: req.id, kind: 'text', delta, tokens }),
    });
    reply({ id: req.id, kind: 'done', text: answer.responseText, truncated: answer.stopReason === 'maxTokens', tokens, model: name });
  } finally {
    session.dispose({ disposeSequence: true });
  }
}

port.on('message', (req: LlamaRequest) => {
  if (req.op === 'cancel') {
    running.get(req.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(req.id, controller);
  // One generation at a time on the one context; the next waits for the last to finish.
  queue = queue.then(() =>
    generate(req, controller.signal).catch((err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      reply({ id: req.id, kind: 'error', name: e.name, message: e.message });
    }).finally(() => running.delete(req.id)),
  );
});
