/**
 * The built-in LLM's worker thread: node-llama-cpp and the GGUF model are loaded here on the first
 * request (never on the agent's main thread, whose event loop keeps telemetry and cancels
 * moving), one generation at a time, held to the request's JSON Schema by a llama.cpp grammar.
 * The thread ends when the agent unloads it, which gives all of the model's memory back.
 */
import { basename } from 'node:path';
import { workerData } from 'node:worker_threads';
import type { Llama, LlamaContext, LlamaModel, ChatHistoryItem } from 'node-llama-cpp';
import { serveRequests, type RequestContext } from '../../serve-requests.js';
import type { LlamaAnswers, LlamaRequest, LlamaText, LlamaWorkerData } from './messages.js';

const data = workerData as LlamaWorkerData;

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  name: string;
}
let loading: Promise<Loaded> | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function load(): Promise<Loaded> {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  // Prebuilt CPU binaries from npm only: never download or compile at run time.
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.warn });
  const model = await llama.loadModel({ modelPath: data.modelPath });
  const context = await model.createContext({ contextSize: Math.min(data.contextSize, model.trainContextSize), threads: data.threads });
  return { llama, model, context, name: basename(data.modelPath) };
}

async function generate(req: LlamaRequest, { signal, emit }: RequestContext): Promise<LlamaAnswers['generate']> {
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
      onTextChunk: (delta) => emit({ delta, tokens } satisfies LlamaText),
    });
    return { text: answer.responseText, truncated: answer.stopReason === 'maxTokens', tokens, model: name };
  } finally {
    session.dispose({ disposeSequence: true });
  }
}

// One generation at a time on the one context; the next waits for the last to finish.
serveRequests<LlamaRequest>((req, context) => {
  const run = queue.then(() => generate(req, context));
  queue = run.catch(() => undefined);
  return run.then((value) => [value, []]);
});
