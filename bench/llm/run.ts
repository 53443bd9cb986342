/**
 * Built-in LLM (node-llama-cpp 3.21.1 in its worker thread) against its anchor, llama.cpp's server
 * as llama-cpp-python 0.3.36 serves it, in the same run: the same GGUF (SmolLM2-135M Q4_1), the
 * same threads, the same dialogue request held to the same JSON Schema (grammar-constrained on
 * both), temperature 0. Rounds alternate A/B after one warm-up each (model load not counted);
 * each request starts with its own number, so neither side can reuse a cached prompt prefix
 * (llama-cpp-python's server keeps the last prompt's KV cache).
 * Prints generation tokens/s (after the first token), first-token latency, and the ratio.
 *   npm run bench -- llm        BENCH_LLM_THREADS (default 1), BENCH_LLM_ROUNDS (default 3)
 */
import { startLlamaServer } from '@hearth/testkit';
import { BuiltinChat } from '../../gpu-agent/src/runners/llm/builtin/builtin-chat.js';
import { OpenAiChat } from '../../gpu-agent/src/runners/llm/openai.js';
import { dialogueMessages, dialogueSchemaFor, dialogueTokenBudget, type DialogueInput } from '../../gpu-agent/src/runners/llm/dialogue.js';
import type { ChatBackend } from '../../gpu-agent/src/runners/llm/backend.js';

const threads = Number(process.env.BENCH_LLM_THREADS ?? 1);
const rounds = Number(process.env.BENCH_LLM_ROUNDS ?? 3);
const input: DialogueInput = {
  characters: [
    { name: 'Mia', description: 'a curious seven-year-old girl' },
    { name: 'Rex', description: 'a clumsy, happy dog' },
  ],
  panels: [
    { description: 'Mia finds a muddy paw print on the floor', characters: ['Mia'] },
    { description: 'Rex peeks out from behind the sofa, covered in mud', characters: ['Mia', 'Rex'] },
    { description: 'Mia gives Rex a bubbly bath', characters: ['Mia', 'Rex'] },
  ],
};

interface Sample {
  tokens: number;
  firstMs: number;
  totalMs: number;
}

let request = 0;
async function once(backend: ChatBackend): Promise<Sample> {
  const [system, ...rest] = dialogueMessages(input);
  const messages = [{ ...system!, content: `Request ${++request}. ${system!.content}` }, ...rest];
  const t0 = performance.now();
  let first: number | undefined;
  let tokens = 0;
  await backend.chat({
    messages,
    schema: dialogueSchemaFor(input),
    maxTokens: dialogueTokenBudget(input),
    signal: new AbortController().signal,
    onText: (_d, n) => {
      first ??= performance.now() - t0;
      tokens = n ?? tokens + 1;
    },
  });
  return { tokens, firstMs: first ?? NaN, totalMs: performance.now() - t0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (s: Sample) => (s.tokens - 1) / ((s.totalMs - s.firstMs) / 1000);

const server = await startLlamaServer({ threads, contextSize: 4096 });
const anchor = new OpenAiChat({ kind: 'openai', url: server.url, model: 'smollm2', temperature: 0 });
const builtin = new BuiltinChat({ kind: 'builtin', modelPath: server.modelPath, threads, contextSize: 4096, temperature: 0 });
try {
  await once(anchor);
  await once(builtin);
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await once(anchor));
    b.push(await once(builtin));
  }
  const row = (name: string, s: Sample[]) =>
    console.log(
      `${name.padEnd(34)} ${median(s.map(rate)).toFixed(1).padStart(6)} tokens/s   first token ${median(s.map((x) => x.firstMs))
        .toFixed(0)
        .padStart(5)} ms   (${s.map((x) => x.tokens).join(', ')} tokens)`,
    );
  console.log(`SmolLM2-135M Q4_1, ${threads} thread(s), ${rounds} rounds, median`);
  row(`llama-cpp-python ${server.version} server`, a);
  row('built-in (node-llama-cpp)', b);
  console.log(
    `ratio built-in / server: ${(median(b.map(rate)) / median(a.map(rate))).toFixed(2)}× tokens/s, ${(median(b.map((x) => x.firstMs)) / median(a.map((x) => x.firstMs))).toFixed(2)}× first-token latency`,
  );
} finally {
  await builtin.close();
  await server.stop();
}
