import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Capability } from '@hearth/protocol';
import { waitFor } from '@hearth/testkit';
import { BackendWatcher } from '../src/backends/watcher.js';
import { parseBackendSettings } from '../src/backends/settings.js';
import { ComfyUiRunner } from '../src/runners/comfyui/runner.js';
import { LlmRunner, chatBackend } from '../src/runners/llm/runner.js';
import { ComfyStandin } from './standins/comfyui/server.js';
import { OllamaStandin } from './standins/ollama/server.js';

let comfy: ComfyStandin;
let ollama: OllamaStandin;

beforeAll(async () => {
  comfy = await new ComfyStandin().start();
  ollama = await new OllamaStandin().start();
});
afterAll(async () => {
  await comfy.stop();
  await ollama.stop();
});

describe('BackendWatcher', () => {
  it('withdraws a capability while its backend is down and restores it when it is back', async () => {
    const settings = parseBackendSettings({
      comfyui: { url: `${comfy.url}/`, checkpoint: 'sd_xl_base_1.0.safetensors' },
      llm: { kind: 'ollama', url: ollama.url, model: 'llama3.2' },
    });
    const comfyRunner = new ComfyUiRunner({ settings: settings.comfyui! });
    const llmRunner = new LlmRunner(chatBackend(settings.llm!));
    const watcher = new BackendWatcher({
      checks: { comfyui: (s) => comfyRunner.healthy(s), llm: (s) => llmRunner.healthy(s) },
      intervalMs: 50,
      maxIntervalMs: 200,
      timeoutMs: 1000,
    });
    const seen: Capability[][] = [];
    const changes: { capability: string; available: boolean }[] = [];
    watcher.on('capabilities', (caps) => seen.push(caps));
    watcher.on('change', (c) => changes.push(c));
    expect(watcher.capabilities()).toEqual(['builtin']);
    watcher.start();
    try {
      await waitFor(() => watcher.capabilities().length === 3, { timeoutMs: 3000, what: 'both backends up' });
      expect([...watcher.capabilities()].sort()).toEqual(['builtin', 'comfyui', 'llm']);

      await comfy.down();
      await waitFor(() => !watcher.capabilities().includes('comfyui'), { timeoutMs: 3000, what: 'comfyui withdrawn' });
      expect(watcher.capabilities()).toEqual(['builtin', 'llm']);
      expect(seen.at(-1)).toEqual(['builtin', 'llm']);

      await comfy.up();
      await waitFor(() => watcher.capabilities().includes('comfyui'), { timeoutMs: 3000, what: 'comfyui restored' });
      expect(changes.filter((c) => c.capability === 'comfyui')).toEqual([
        { capability: 'comfyui', available: true },
        { capability: 'comfyui', available: false },
        { capability: 'comfyui', available: true },
      ]);

      // An Ollama without the configured model does not offer the llm capability.
      const saved = ollama.models;
      ollama.models = [];
      try {
        await waitFor(() => !watcher.capabilities().includes('llm'), { timeoutMs: 3000, what: 'llm withdrawn' });
      } finally {
        ollama.models = saved;
      }
      await waitFor(() => watcher.capabilities().includes('llm'), { timeoutMs: 3000, what: 'llm restored' });
    } finally {
      await watcher.stop();
    }
  });

  it('backs off while a backend stays down', async () => {
    let calls = 0;
    vi.useFakeTimers();
    try {
      const watcher = new BackendWatcher({ checks: { comfyui: async () => (calls++, false) }, intervalMs: 20, maxIntervalMs: 160 });
      watcher.start();
      // The watcher's own clock, not the machine's: a loaded CI box cannot change the count.
      await vi.advanceTimersByTimeAsync(700);
      await watcher.stop();
      expect(watcher.capabilities()).toEqual(['builtin']);
    } finally {
      vi.useRealTimers();
    }
    // Without backoff ~35 checks; with 20→40→80→160 ms gaps about 7.
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(calls).toBeLessThanOrEqual(10);
  });
});

describe('backend settings', () => {
  it('names the offending field', () => {
    expect(() => parseBackendSettings({ comfyui: { url: 'ftp://x', checkpoint: 'a' } })).toThrow(/^backend settings \/comfyui\/url: /);
    expect(() => parseBackendSettings({ llm: { kind: 'llama', url: 'http://x', model: 'm' } })).toThrow(/\/llm\/kind/);
    expect(() => parseBackendSettings({ llm: { kind: 'ollama', url: 'http://x', model: 'm', extra: 1 } })).toThrow(/\/llm\/extra/);
    expect(parseBackendSettings({})).toEqual({});
  });

  it('setCheck: a new check replaces the old one at once (its late answer no longer counts); none withdraws the capability', async () => {
    let slowAnswer: (up: boolean) => void = () => {};
    const watcher = new BackendWatcher({ checks: { comfyui: () => new Promise<boolean>((r) => (slowAnswer = r)) }, intervalMs: 50, timeoutMs: 5000 });
    const changes: Array<{ capability: string; available: boolean }> = [];
    watcher.on('change', (c) => changes.push(c));
    watcher.start();
    try {
      const answerOfOld = slowAnswer;
      watcher.setCheck('comfyui', async () => true);
      await waitFor(() => watcher.capabilities().includes('comfyui'), { timeoutMs: 3000, what: 'the new check answering' });
      answerOfOld(false);
      watcher.setCheck('llm', async () => true);
      await waitFor(() => watcher.capabilities().includes('llm'), { timeoutMs: 3000, what: 'llm added' });
      expect(watcher.capabilities()).toEqual(['builtin', 'comfyui', 'llm']);
      watcher.setCheck('comfyui', undefined);
      expect(watcher.capabilities()).toEqual(['builtin', 'llm']);
      expect(changes).toEqual([
        { capability: 'comfyui', available: true },
        { capability: 'llm', available: true },
        { capability: 'comfyui', available: false },
      ]);
    } finally {
      await watcher.stop();
    }
  });
});
