/**
 * "Test connection": one small real request to a backend the admin is setting up, and what it
 * answered, in a shape the portal can put into words (BackendTestResult).
 *   ComfyUI: /system_stats (version) and /object_info (node count, checkpoint files).
 *   OpenAI-compatible: /v1/models. Ollama: /api/version and /api/tags.
 *   Built-in: the GGUF file is there and is GGUF (the model itself loads on the first job).
 */
import { open } from 'node:fs/promises';
import { MAX_ANNOUNCED_CHECKPOINTS, type BackendTestResult, type ComfyUiBackendEdit, type LlmBackendEdit } from '@hearth/protocol';
import { ComfyClient } from '../runners/comfyui/client.js';
import { checkpointsIn } from '../runners/comfyui/workflow-import.js';
import { OllamaChat } from '../runners/llm/ollama.js';
import { OpenAiChat } from '../runners/llm/openai.js';
import { JobError } from '../runners/runner.js';
import { HttpStatusError } from './http.js';

const TIMEOUT_MS = 15_000;
const short = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 300);

/** A failed request as a reason and the server's (or the network's) own words. */
export function failureOf(err: unknown): BackendTestResult {
  if (err instanceof HttpStatusError) return { ok: false, failure: 'http', detail: short(`HTTP ${err.status} ${err.body}`) };
  if (err instanceof JobError) return { ok: false, failure: 'bad-answer', detail: short(err.message) };
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return { ok: false, failure: 'timeout' };
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
  return { ok: false, failure: 'unreachable', detail: short(cause) };
}

export async function testComfyUi(edit: ComfyUiBackendEdit, signal = AbortSignal.timeout(TIMEOUT_MS)): Promise<BackendTestResult> {
  const client = new ComfyClient(edit.url, TIMEOUT_MS);
  try {
    const stats = await client.systemStats(signal);
    const info = await client.objectInfo(signal);
    const models = checkpointsIn(info).slice(0, MAX_ANNOUNCED_CHECKPOINTS);
    const version = stats.system.comfyui_version?.slice(0, 80);
    const found: BackendTestResult = { ok: true, ...(version ? { version } : {}), nodes: Object.keys(info).length, models };
    return models.includes(edit.checkpoint) ? found : { ...found, ok: false, failure: 'model-missing', detail: short(edit.checkpoint) };
  } catch (err) {
    return failureOf(err);
  }
}

/** `apiKey`: the key the agent's file holds for this server (never part of the edit). */
export async function testLlm(edit: LlmBackendEdit, apiKey?: string, signal = AbortSignal.timeout(TIMEOUT_MS)): Promise<BackendTestResult> {
  if (edit.kind === 'builtin') return testGguf(edit.modelPath ?? '');
  const url = edit.url ?? '';
  const model = edit.model ?? '';
  try {
    const server =
      edit.kind === 'ollama'
        ? new OllamaChat({ kind: 'ollama', url, model: model || 'x' })
        : new OpenAiChat({ kind: 'openai', url, model: model || 'x', ...(apiKey ? { apiKey } : {}) });
    const version = server instanceof OllamaChat ? (await server.version(signal)).slice(0, 80) : undefined;
    const models = await server.models(signal);
    const found: BackendTestResult = {
      ok: true,
      ...(version ? { version } : {}),
      models: models.slice(0, MAX_ANNOUNCED_CHECKPOINTS).map((m) => m.slice(0, 500)),
    };
    return !model || server.serves(models) ? found : { ...found, ok: false, failure: 'model-missing', detail: short(model) };
  } catch (err) {
    return failureOf(err);
  }
}

async function testGguf(path: string): Promise<BackendTestResult> {
  try {
    const file = await open(path, 'r');
    try {
      const head = Buffer.alloc(4);
      await file.read(head, 0, 4, 0);
      const { size } = await file.stat();
      return head.toString('latin1') === 'GGUF' ? { ok: true, bytes: size } : { ok: false, failure: 'not-gguf', detail: short(path) };
    } finally {
      await file.close();
    }
  } catch (err) {
    return { ok: false, failure: 'model-missing', detail: short((err as Error).message) };
  }
}
