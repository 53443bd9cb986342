import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { DialogueResult, JobProgress } from '@hearth/protocol';
import { LlmRunner, chatBackend } from '../src/runners/llm/runner.js';
import { dialogueTokenBudget, type DialogueInput } from '../src/runners/llm/dialogue.js';
import { JobError } from '../src/runners/runner.js';
import { OllamaStandin } from './standins/ollama/server.js';
import { recordingContext } from './runner-context.js';

const input = JSON.parse(readFileSync(new URL('./fixtures/ollama/dialogue-input.json', import.meta.url), 'utf8')) as DialogueInput;
const job = { id: 'job-dlg', type: 'text.dialogue' as const, input };

let ollama: OllamaStandin;
let viaOllama: LlmRunner;

beforeAll(async () => {
  ollama = await new OllamaStandin().start();
  viaOllama = new LlmRunner(chatBackend({ kind: 'ollama', url: ollama.url, model: 'llama3.2', keepAlive: '10m' }), 0);
});
afterAll(async () => {
  await ollama.stop();
});
beforeEach(() => {
  ollama.chats.length = 0;
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

// Ollama cannot be installed here: its stand-in replays transcripts written from Ollama's API docs
// and source (see fixtures/ollama/README.md), not recordings. The OpenAI-compatible path is
// tested against the real llama.cpp server in llm-real-server.test.ts.
describe('LLM runner via Ollama (stand-in)', () => {
  it('streams a dialogue with /api/chat, asking for the DialogueResult schema', async () => {
    const { ctx, progress } = recordingContext();
    const result = await viaOllama.run(job, ctx);
    expect(result.artifacts).toEqual([]);
    expectGoodDialogue(result.data);
    expectStreamingProgress(progress);
    const sent = ollama.chats[0]!;
    expect(sent).toMatchObject({ model: 'llama3.2', stream: true, keep_alive: '10m', options: { temperature: 0.7 } });
    // The schema made for this input: three panels, indexes fixed, speakers from each panel's cast.
    const panels = (
      sent.format as {
        properties: {
          panels: {
            minItems: number;
            maxItems: number;
            prefixItems: { properties: { index: unknown; lines: { items: { properties: { speaker: unknown } } } } }[];
          };
        };
      }
    ).properties.panels;
    expect([panels.minItems, panels.maxItems]).toEqual([3, 3]);
    expect(panels.prefixItems.map((p) => p.properties.index)).toEqual([{ const: 0 }, { const: 1 }, { const: 2 }]);
    expect(panels.prefixItems[0]!.properties.lines.items.properties.speaker).toEqual({ enum: ['Mia'] });
    expect(panels.prefixItems[1]!.properties.lines.items.properties.speaker).toEqual({ enum: ['Mia', 'Rex'] });
    expect((sent.options as { num_predict: number }).num_predict).toBe(dialogueTokenBudget(input));
    expect((result.data as DialogueResult).writtenBy).toBe('llama3.2');
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
