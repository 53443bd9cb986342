/** ComfyUI's HTTP routes (server.py, ComfyUI 0.3.64), each answer checked against its shape. */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { JobError } from '../runner.js';
import { HttpStatusError, checkShape, request, requestJson } from '../../backends/http.js';
import { baseUrl } from '../../backends/settings.js';
import { History, PromptAccepted, PromptRejected, QueueState, SystemStats, Uploaded, type FileRef, type HistoryEntry } from './protocol.js';
import type { ApiWorkflow } from './workflow.js';
import { checkpointsIn, type NodeInfo, type ObjectInfo } from './workflow-import.js';

const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

export class ComfyClient {
  readonly base: string;

  constructor(
    url: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.base = baseUrl(url);
  }

  wsUrl(clientId: string): string {
    return `${this.base.replace(/^http/, 'ws')}/ws?clientId=${encodeURIComponent(clientId)}`;
  }

  /** Queue a prompt under an id we chose; a validation failure (HTTP 400) becomes a JobError naming the nodes. */
  async queuePrompt(prompt: ApiWorkflow, clientId: string, promptId: string, signal: AbortSignal): Promise<void> {
    try {
      const accepted = await requestJson(`${this.base}/prompt`, 'ComfyUI /prompt', PromptAccepted, {
        json: { prompt, client_id: clientId, prompt_id: promptId },
        signal,
        timeoutMs: this.timeoutMs,
      });
      if (accepted.prompt_id !== promptId)
        throw new JobError(`ComfyUI queued the workflow under another id (${accepted.prompt_id}); it is too old to accept prompt_id (needs 0.3.4x or newer)`);
    } catch (err) {
      if (err instanceof HttpStatusError && err.status === 400) throw new JobError(describeRejection(err.body));
      throw err;
    }
  }

  async history(promptId: string, signal?: AbortSignal): Promise<HistoryEntry | undefined> {
    const all = await requestJson(`${this.base}/history/${encodeURIComponent(promptId)}`, 'ComfyUI /history', History, { signal, timeoutMs: this.timeoutMs });
    return all[promptId];
  }

  /** Prompt ids ComfyUI is running and has waiting (GET /queue). */
  async queue(signal?: AbortSignal): Promise<{ running: string[]; pending: string[] }> {
    const q = await requestJson(`${this.base}/queue`, 'ComfyUI /queue', QueueState, { signal, timeoutMs: this.timeoutMs });
    const ids = (items: unknown[][]) => items.map((i) => i[1]).filter((id): id is string => typeof id === 'string');
    return { running: ids(q.queue_running), pending: ids(q.queue_pending) };
  }

  /**
   * Where our prompt is: finished (its history entry), still queued or running, or gone — a
   * ComfyUI that restarted forgets its queue and history. History is read again after the queue,
   * so a prompt that finishes between the two reads is not taken for gone.
   */
  async locate(promptId: string, signal?: AbortSignal): Promise<{ state: 'done'; entry: HistoryEntry } | { state: 'queued' | 'gone' }> {
    const entry = await this.history(promptId, signal);
    if (entry) return { state: 'done', entry };
    const { running, pending } = await this.queue(signal);
    if (running.includes(promptId) || pending.includes(promptId)) return { state: 'queued' };
    const late = await this.history(promptId, signal);
    return late ? { state: 'done', entry: late } : { state: 'gone' };
  }

  /** GET /object_info: every node class this ComfyUI has, with its inputs (several MB; ask rarely). */
  async objectInfo(signal?: AbortSignal): Promise<ObjectInfo> {
    return requestJson(`${this.base}/object_info`, 'ComfyUI /object_info', Type.Record(Type.String(), Type.Unknown()), {
      signal,
      timeoutMs: Math.max(this.timeoutMs, 60_000),
    }) as Promise<ObjectInfo>;
  }

  /** Checkpoint file names, from CheckpointLoaderSimple's ckpt_name choices (for the generate and restyle forms). */
  async checkpoints(signal?: AbortSignal): Promise<string[]> {
    const info = await requestJson(`${this.base}/object_info/CheckpointLoaderSimple`, 'ComfyUI /object_info', Type.Record(Type.String(), Type.Unknown()), {
      signal,
      timeoutMs: this.timeoutMs,
    });
    if (!(info.CheckpointLoaderSimple as NodeInfo | undefined)?.input?.required?.ckpt_name)
      throw new JobError('ComfyUI /object_info does not list checkpoints for CheckpointLoaderSimple');
    return checkpointsIn(info as ObjectInfo);
  }

  async view(file: FileRef, signal?: AbortSignal): Promise<{ bytes: Buffer; contentType: string }> {
    const q = new URLSearchParams({ filename: file.filename, subfolder: file.subfolder, type: file.type });
    const res = await request(`${this.base}/view?${q}`, 'ComfyUI /view', { signal, timeoutMs: Math.max(this.timeoutMs, 120_000) });
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_OUTPUT_BYTES) throw new JobError(`ComfyUI output ${file.filename} is too large (${declared} bytes)`);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (bytes.length === 0) throw new JobError(`ComfyUI returned an empty file for ${file.filename}`);
    return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  /** POST /upload/image (multipart: image, type=input, overwrite) → the name LoadImage must use. */
  async uploadImage(name: string, bytes: Buffer, contentType: string, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(bytes)], { type: contentType }), name);
    form.append('type', 'input');
    form.append('overwrite', 'true');
    const up = await requestJson(`${this.base}/upload/image`, 'ComfyUI /upload/image', Uploaded, {
      body: form,
      signal,
      timeoutMs: Math.max(this.timeoutMs, 60_000),
    });
    return up.subfolder ? `${up.subfolder}/${up.name}` : up.name;
  }

  /** Stop our prompt if it is running (targeted interrupt) and drop it if it is still queued. */
  async cancel(promptId: string, timeoutMs: number): Promise<void> {
    await Promise.allSettled([
      request(`${this.base}/interrupt`, 'ComfyUI /interrupt', { json: { prompt_id: promptId }, timeoutMs }),
      request(`${this.base}/queue`, 'ComfyUI /queue', { json: { delete: [promptId] }, timeoutMs }),
    ]);
  }

  async free(): Promise<void> {
    await request(`${this.base}/free`, 'ComfyUI /free', { json: { unload_models: true, free_memory: true }, timeoutMs: this.timeoutMs });
  }

  async systemStats(signal?: AbortSignal) {
    return requestJson(`${this.base}/system_stats`, 'ComfyUI /system_stats', SystemStats, { signal, timeoutMs: this.timeoutMs });
  }
}

/** "ComfyUI rejected the workflow: Prompt outputs failed validation — CheckpointLoaderSimple: Value not in list: ckpt_name: 'x' not in [...]" */
export function describeRejection(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `ComfyUI rejected the workflow: ${body.slice(0, 300)}`;
  }
  if (!Value.Check(PromptRejected, parsed)) return `ComfyUI rejected the workflow with an answer we do not understand: ${body.slice(0, 300)}`;
  const error = typeof parsed.error === 'string' ? parsed.error : parsed.error.message;
  const nodes = parsed.node_errors && !Array.isArray(parsed.node_errors) ? Object.entries(parsed.node_errors) : [];
  const details = nodes
    .flatMap(([id, n]) => n.errors.map((e) => `${n.class_type ?? 'node'} #${id}: ${e.message}${e.details ? `: ${e.details}` : ''}`))
    .slice(0, 5);
  return `ComfyUI rejected the workflow: ${error}${details.length ? ` — ${details.join('; ')}` : ''}`.slice(0, 1000);
}

/** Files a node wrote, from a history entry or an `executed` message. */
export function filesOf(output: unknown): FileRef[] {
  const o = checkShape(Type.Record(Type.String(), Type.Unknown()), output ?? {}, 'ComfyUI output');
  const files: FileRef[] = [];
  for (const key of ['images', 'gifs', 'videos'] as const) {
    const list = o[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new JobError(`ComfyUI output "${key}" is not a list`);
    for (const f of list) {
      const ref = f as Partial<FileRef>;
      if (typeof ref?.filename !== 'string' || !ref.filename || typeof ref.subfolder !== 'string' || typeof ref.type !== 'string') {
        throw new JobError(`ComfyUI output "${key}" has an entry without filename/subfolder/type`);
      }
      files.push({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
    }
  }
  return files;
}
