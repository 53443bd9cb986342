import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { DialogueResult, JobProgress } from '@hearth/protocol';
import { LlmRunner, chatBackend } from '../src/runners/llm/runner.js';
import { JobError } from '../src/runners/runner.js';
import { OllamaStandin } from './standins/ollama/server.js';
import { OpenAiStandin } from './standins/openai/server.js';
import { recordingContext } from './runner-context.js';

const input = JSON.parse(readFileSync(new URL('./fixtures/ollama/dialogue-input.json', import.meta.url), 'utf8')) as unknown;
const job = { id: 'job-dlg', type: 'text.dialogue' as const, input };

let ollama: OllamaStandin;
let openai: OpenAiStandin;
let viaOllama: LlmRunner;
let viaOpenAi: LlmRunner;

beforeAll(async () => {
  ollama = await new OllamaStandin().start();
  openai = await new OpenAiStandin().start();
  openai.apiKey = 'sk-test-123';
  viaOllama = new LlmRunner(chatBackend({ kind: 'ollama', url: ollama.url, model: 'llama3.2', keepAlive: '10m' }), 0);
  viaOpenAi = new LlmRunner(chatBackend({ kind: 'openai', url: `${openai.url}/v1`, model: 'llama3.2', apiKey: 'sk-test-123' }), 0);
});
afterAll(async () => {
  await ollama.stop();
  await openai.stop();
});
beforeEach(() => {
  ollama.chats.length = 0;
  openai.chats.length = 0;
});

function expectGoodDialogue(data: unknown) {
  expect(Value.Check(DialogueResult, data)).toBe(true);
  const result = data as DialogueResult;
  expect(result.panels.map((p) => p.index)).toEqual([0, 1, 2]);
  expect(result.panels[1]!.lines[0]).toEqual({ speaker: 'Rex', text: 'Woof! Not me. Definitely not me.' });
}

function expectStreamingProgress(progress: JobProgress[]) {
  for (const p of progress) expect(Value.Check(JobProgress, p)).toBe(true);
  const writing = progress.filter((p) => p.stage === 'writing');
  expect(writing.length).toBeGreaterThan(5); // moved while tokens streamed in
  const fractions = progress.map((p) => p.fraction);
  expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
}

describe('LLM runner via Ollama', () => {
  it('streams a dialogue with /api/chat, asking for the DialogueResult schema', async () => {
    const { ctx, progress } = recordingContext();
    const result = await viaOllama.run(job, ctx);
    expect(result.artifacts).toEqual([]);
    expectGoodDialogue(result.data);
    expectStreamingProgress(progress);
    const sent = ollama.chats[0]!;
    expect(sent).toMatchObject({ model: 'llama3.2', stream: true, keep_alive: '10m', options: { temperature: 0.7 } });
    expect(sent.format).toEqual(JSON.parse(JSON.stringify(DialogueResult)));
    expect((sent.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('retries once with the problems fed back when the dialogue fails the checks', async () => {
    ollama.script.push('invalid', 'ok');
    const { ctx, progress } = recordingContext();
    const result = await viaOllama.run(job, ctx);
    expectGoodDialogue(result.data);
    expect(ollama.chats).toHaveLength(2);
    const retry = ollama.chats[1]!.messages as { role: string; content: string }[];
    expect(retry.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(retry[3]!.content).toContain('panels must be exactly indexes 0 to 2 in order (got [0,1])');
    expect(retry[3]!.content).toContain('"Narrator" is not in the cast (Mia, Rex)');
    expect(progress.some((p) => p.stage === 'rewriting')).toBe(true);
  });

  it('retries once when the answer fails the DialogueResult schema', async () => {
    ollama.script.push('bad-schema', 'ok');
    const { ctx } = recordingContext();
    expectGoodDialogue((await viaOllama.run(job, ctx)).data);
    expect(ollama.chats).toHaveLength(2);
    const feedback = (ollama.chats[1]!.messages as { content: string }[])[3]!.content;
    expect(feedback).toContain('/panels/0/lines: Expected required property');
    expect(feedback).toContain('/panels/1/lines/0/mood: Unexpected property');
  });

  it('fails clearly when the retry fails too', async () => {
    ollama.script.push('invalid', 'invalid');
    const { ctx } = recordingContext();
    const err = await viaOllama.run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toMatch(/^the model's dialogue did not fit the comic after a retry: panels must be exactly/);
    expect(ollama.chats).toHaveLength(2);
  });

  it('turns a mid-stream {"error"} line into a job error', async () => {
    ollama.script.push('error');
    const { ctx } = recordingContext();
    const err = await viaOllama.run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toBe('Ollama failed while writing: an error was encountered while running the model');
    expect(ollama.chats).toHaveLength(1);
  });

  it('turns a dropped connection into a retryable job error', async () => {
    ollama.script.push('disconnect');
    const { ctx } = recordingContext();
    const err = await viaOllama.run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(true);
  });

  it('reports a missing model as unhealthy and unloads with keep_alive 0', async () => {
    expect(await viaOllama.healthy()).toBe(true);
    const other = new LlmRunner(chatBackend({ kind: 'ollama', url: ollama.url, model: 'mistral' }));
    expect(await other.healthy()).toBe(false);
    await viaOllama.freeMemory();
    expect(ollama.chats.at(-1)).toEqual({ model: 'llama3.2', messages: [], keep_alive: 0, stream: false });
  });
});

describe('LLM runner via an OpenAI-compatible server', () => {
  it('streams a dialogue over SSE with a strict json_schema response format', async () => {
    const { ctx, progress } = recordingContext();
    const result = await viaOpenAi.run(job, ctx);
    expectGoodDialogue(result.data);
    expectStreamingProgress(progress);
    const { body, authorization } = openai.chats[0]!;
    expect(authorization).toBe('Bearer sk-test-123');
    expect(body).toMatchObject({ model: 'llama3.2', stream: true, response_format: { type: 'json_schema', json_schema: { name: 'comic_dialogue', strict: true } } });
    const schema = (body.response_format as { json_schema: { schema: { required: string[]; additionalProperties: boolean } } }).json_schema.schema;
    expect(schema).toMatchObject({ type: 'object', required: ['panels'], additionalProperties: false });
  });

  it('retries once after an invalid answer', async () => {
    openai.script.push('invalid', 'ok');
    const { ctx } = recordingContext();
    expectGoodDialogue((await viaOpenAi.run(job, ctx)).data);
    expect(openai.chats).toHaveLength(2);
  });

  it('turns an error event mid-stream into a job error', async () => {
    openai.script.push('error');
    const { ctx } = recordingContext();
    const err = await viaOpenAi.run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toBe('the OpenAI-compatible server failed while writing: an error was encountered while running the model');
  });

  it('turns a dropped stream into a retryable job error', async () => {
    openai.script.push('disconnect');
    const { ctx } = recordingContext();
    const err = await viaOpenAi.run(job, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(true);
  });

  it('is healthy only with the right key and a listed model', async () => {
    expect(await viaOpenAi.healthy()).toBe(true);
    expect(await new LlmRunner(chatBackend({ kind: 'openai', url: openai.url, model: 'llama3.2', apiKey: 'wrong' })).healthy()).toBe(false);
    expect(await new LlmRunner(chatBackend({ kind: 'openai', url: openai.url, model: 'gpt-x', apiKey: 'sk-test-123' })).healthy()).toBe(false);
    const { ctx } = recordingContext();
    const err = await new LlmRunner(chatBackend({ kind: 'openai', url: openai.url, model: 'llama3.2', apiKey: 'wrong' })).run(job, ctx).catch((e: unknown) => e);
    expect((err as Error).message).toBe('the OpenAI-compatible server refused the request: Incorrect API key provided. (HTTP 401)');
    expect((err as Error).message).not.toContain('wrong');
  });

  it('stops promptly when cancelled mid-stream', async () => {
    openai.chunkDelayMs = 200;
    try {
      const { ctx, controller, progress } = recordingContext();
      const running = viaOpenAi.run(job, ctx).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 500));
      expect(progress.length).toBeGreaterThan(0);
      const t0 = Date.now();
      controller.abort();
      const err = await running;
      expect(Date.now() - t0).toBeLessThan(1000);
      expect((err as Error).name).toBe('AbortError');
    } finally {
      openai.chunkDelayMs = 5;
    }
  });
});
