/**
 * BackendManager on its own: what an admin's edit keeps of the agent's file (the API key only for
 * the same server, video models, timeouts), the file it writes (0600), and a refused edit that
 * changes nothing.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { AgentState } from '../src/agent-state.js';
import { AgentBus } from '../src/bus.js';
import { createLogger } from '../src/log.js';
import { BackendManager } from '../src/backends/manager.js';
import { parseBackendSettings } from '../src/backends/settings.js';
import { BackendWatcher } from '../src/backends/watcher.js';
import { RunnerRegistry } from '../src/worker/runner-registry.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function manager(file: unknown) {
  const dir = await tempDir('hearth-manager-');
  cleanups.push(() => dir.remove());
  const settings = parseBackendSettings(file);
  const watcher = new BackendWatcher({ checks: {} });
  const state = new AgentState(new AgentBus());
  const m = new BackendManager({
    settings,
    file: join(dir.path, 'backends.json'),
    workflowsDir: join(dir.path, 'workflows'),
    registry: new RunnerRegistry([]),
    watcher,
    state,
    log: createLogger('error', 'manager-test'),
    modelIdleUnloadMs: 1000,
  });
  cleanups.push(async () => {
    m.stop();
    await watcher.stop();
  });
  return { m, dir, state };
}

describe('BackendManager', () => {
  it('keeps what only the file sets, the API key only for the same address, and writes 0600', async () => {
    const { m, dir, state } = await manager({
      comfyui: { url: 'http://127.0.0.1:8188', checkpoint: 'a.safetensors', video: { unet: 'u', textEncoder: 't', vae: 'v' }, requestTimeoutMs: 5000 },
      llm: { kind: 'openai', url: 'http://127.0.0.1:8080', model: 'm', apiKey: 'sk-secret', temperature: 0.2 },
    });
    expect(state.backends?.llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:8080', model: 'm' });
    await m.apply({
      comfyui: { url: 'http://127.0.0.1:9000', checkpoint: 'b.safetensors' },
      llm: { kind: 'openai', url: 'http://127.0.0.1:8080', model: 'other' },
    });
    const file = join(dir.path, 'backends.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8'));
    expect(saved.comfyui).toEqual({
      url: 'http://127.0.0.1:9000',
      checkpoint: 'b.safetensors',
      video: { unet: 'u', textEncoder: 't', vae: 'v' },
      requestTimeoutMs: 5000,
      previewIntervalMs: 1000,
    });
    expect(saved.llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:8080', model: 'other', apiKey: 'sk-secret', temperature: 0.2 });
    // The key never follows the model to another server.
    await m.apply({ llm: { kind: 'openai', url: 'http://192.168.1.9:8080', model: 'other' } });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ llm: { kind: 'openai', url: 'http://192.168.1.9:8080', model: 'other', temperature: 0.2 } });
    expect(state.backends).toEqual({ llm: { kind: 'openai', url: 'http://192.168.1.9:8080', model: 'other' } });
    expect(JSON.stringify(state.backends)).not.toContain('sk-secret');
  });

  it('keeps the speech engines, which only the file sets', async () => {
    const speech = {
      piper: { command: '/opt/piper/bin/piper', voices: ['/opt/piper/en_US-joe-medium.onnx'] },
      openaiSpeech: { url: 'http://127.0.0.1:8880/v1', model: 'kokoro', apiKey: 'sk-speech', voices: [{ name: 'af_bella', language: 'en' }] },
    };
    const { m, dir } = await manager(speech);
    await m.apply({ llm: { kind: 'ollama', url: 'http://127.0.0.1:11434', model: 'llama3.2' } });
    expect(JSON.parse(await readFile(join(dir.path, 'backends.json'), 'utf8'))).toEqual({
      ...speech,
      llm: { kind: 'ollama', url: 'http://127.0.0.1:11434', model: 'llama3.2' },
    });
  });

  it('refuses an edit that misses a field, and keeps the settings it had', async () => {
    const { m, dir } = await manager({ llm: { kind: 'builtin', modelPath: '/models/x.gguf' } });
    const reply = await m.handle({ id: 'request-1', op: 'apply', backends: { llm: { kind: 'ollama', url: 'http://127.0.0.1:11434' } } });
    expect(reply).toEqual({ id: 'request-1', ok: false, message: 'backend settings /llm/model: required for ollama' });
    expect(m.settings.llm).toEqual({ kind: 'builtin', modelPath: '/models/x.gguf' });
    await expect(stat(join(dir.path, 'backends.json'))).rejects.toThrow(/ENOENT/);
  });
});
