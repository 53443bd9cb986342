/**
 * The LLM runner against a real llama.cpp server: llama-cpp-python's OpenAI-compatible server
 * (built from source into a cached venv by scripts/llm-venv.sh) with the real SmolLM2-135M model.
 * Each test names the mismatch with the real server it guards against (issue 14).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { DialogueResult, JobProgress } from '@hearth/protocol';
import { startLlamaServer, waitFor, type LlamaServer } from '@hearth/testkit';
import { LlmRunner, chatBackend } from '../src/runners/llm/runner.js';
import { OpenAiChat } from '../src/runners/llm/openai.js';
import { JobError } from '../src/runners/runner.js';
import { recordingContext } from './runner-context.js';

const KEY = 'sk-hearth-test';
const input = {
  characters: [
    { name: 'Mia', description: 'a curious seven-year-old girl' },
    { name: 'Rex', description: 'a clumsy, happy dog' },
  ],
  panels: [
    { description: 'Mia finds a muddy paw print on the floor', characters: ['Mia'] },
    { description: 'Rex peeks out from behind the sofa, covered in mud', characters: ['Mia', 'Rex'] },
  ],
  tone: 'funny',
};
const job = { id: 'job-real', type: 'text.dialogue' as const, input };

let server: LlamaServer;
const settings = () => ({ kind: 'openai' as const, url: `${server.url}/v1`, model: 'SmolLM2-135M-Instruct.Q4_1.gguf', apiKey: KEY });

beforeAll(async () => {
  server = await startLlamaServer({ apiKey: KEY });
}, 900_000);
afterAll(async () => {
  await server?.stop();
});

function expectValidDialogue(data: unknown) {
  expect(Value.Check(DialogueResult, data)).toBe(true);
  const result = data as DialogueResult;
  expect(result.panels.map((p) => p.index)).toEqual([0, 1]);
  expect(result.panels[0]!.lines.every((l) => l.speaker === 'Mia')).toBe(true);
  for (const line of result.panels.flatMap((p) => p.lines)) expect(['Mia', 'Rex']).toContain(line.speaker);
  expect(result.writtenBy).toContain('SmolLM2-135M-Instruct.Q4_1.gguf');
}

describe('LLM runner against the real llama.cpp server (llama-cpp-python, version pinned in llm-requirements.lock)', () => {
  it('streams a valid dialogue from a 135M model: the json_schema refusal steps down to json_object + schema, constrained (mismatches 2, 7)', async () => {
    const backend = new OpenAiChat(settings());
    const { ctx, progress } = recordingContext();
    const result = await new LlmRunner(backend, 0).run(job, ctx);
    expectValidDialogue(result.data);
    // llama-cpp-python refuses response_format json_schema with HTTP 500; the backend learnt that.
    expect(backend.mode).toBe('json_object');
    for (const p of progress) expect(Value.Check(JobProgress, p)).toBe(true);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.filter((p) => /^\d+ tokens$/.test(p.message ?? '')).length).toBeGreaterThan(3);
    expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
  }, 600_000);

  it('writes a valid dialogue without streaming too', async () => {
    const { ctx } = recordingContext();
    const result = await new LlmRunner(chatBackend({ ...settings(), stream: false }), 0).run(job, ctx);
    expectValidDialogue(result.data);
  }, 600_000);

  it('is healthy whatever model name is set: the server names its one model by its file path (mismatch 3)', async () => {
    const backend = new OpenAiChat({ ...settings(), model: 'anything' });
    expect(await backend.models()).toEqual([server.modelPath]);
    expect(await backend.healthy()).toBe(true);
    expect(await new OpenAiChat({ ...settings(), apiKey: 'wrong-key' }).healthy()).toBe(false);
  }, 60_000);

  it('shows a short message for a refused request, keeps the traceback for the log, and does not retry it (mismatches 2, 6)', async () => {
    const backend = new OpenAiChat(settings());
    const err = await backend
      .chat({
        messages: [{ role: 'narrator' as 'user', content: 'hello' }],
        schema: { type: 'object' },
        signal: new AbortController().signal,
        onText: () => {},
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    const e = err as JobError;
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/^the OpenAI-compatible server refused the request: .*Input should be .* \(HTTP 500\)$/);
    expect(e.message).not.toContain('Traceback');
    expect(e.message.length).toBeLessThan(300);
    expect(e.detail).toContain('Input should be');
  }, 60_000);

  it('says a wrong API key is refused, without the key', async () => {
    const { ctx } = recordingContext();
    const err = await new LlmRunner(chatBackend({ ...settings(), apiKey: 'wrong-key' }), 0).run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/^the OpenAI-compatible server refused the request: .+ \(HTTP 401\)$/);
    expect((err as Error).message).not.toContain('wrong-key');
  }, 60_000);

  it('stops at once when cancelled mid-stream', async () => {
    const { ctx, controller, progress } = recordingContext();
    const running = new LlmRunner(chatBackend(settings()), 0).run(job, ctx).catch((e: unknown) => e);
    await waitFor(() => progress.some((p) => p.message), { timeoutMs: 300_000, what: 'the first tokens' });
    const t0 = Date.now();
    controller.abort();
    const err = await running;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect((err as Error).name).toBe('AbortError');
    // The server is still fine for the next request.
    expect(await new OpenAiChat(settings()).healthy()).toBe(true);
  }, 600_000);

  it('fails the attempt as retryable when the server goes down mid-stream, and works again once it is back', async () => {
    const { ctx, progress } = recordingContext();
    const running = new LlmRunner(chatBackend(settings()), 0).run(job, ctx).catch((e: unknown) => e);
    await waitFor(() => progress.some((p) => p.message), { timeoutMs: 300_000, what: 'the first tokens' });
    await server.stop();
    const err = await running;
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(true);
    const backend = new OpenAiChat(settings());
    expect(await backend.healthy()).toBe(false);
    await server.start();
    expect(await backend.healthy()).toBe(true);
  }, 600_000);
});
