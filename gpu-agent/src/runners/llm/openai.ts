/**
 * Any OpenAI-compatible server (OpenAI, vLLM, llama.cpp server, LM Studio, Ollama's /v1):
 * POST /v1/chat/completions with `stream: true` answers server-sent events `data: {chunk}` and
 * finally `data: [DONE]`; structured output via `response_format: {type: "json_schema", …}`.
 * Errors after the stream started come as an event whose data has an `error` (object or string),
 * or as `event: error`. There is no standard way to unload a model, so freeMemory does nothing.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { JobError } from '../runner.js';
import { request, requestJson, HttpStatusError } from '../../backends/http.js';
import { baseUrl, type LlmSettings } from '../../backends/settings.js';
import type { ChatAnswer, ChatBackend, ChatRequest } from './backend.js';
import { strictSchema } from './dialogue.js';
import { sseEvents } from './stream.js';

const Chunk = Type.Object({
  choices: Type.Array(
    Type.Object({
      delta: Type.Optional(Type.Object({ content: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
      finish_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
  ),
});
const Models = Type.Object({ data: Type.Array(Type.Object({ id: Type.String() })) });

export class OpenAiChat implements ChatBackend {
  readonly name = 'the OpenAI-compatible server';
  private readonly v1: string;

  constructor(private readonly settings: LlmSettings) {
    const base = baseUrl(settings.url);
    this.v1 = base.endsWith('/v1') ? base : `${base}/v1`;
  }

  private headers(): Record<string, string> {
    return this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {};
  }

  async chat(req: ChatRequest): Promise<ChatAnswer> {
    const body = {
      model: this.settings.model,
      messages: req.messages,
      stream: true,
      response_format: { type: 'json_schema', json_schema: { name: 'comic_dialogue', schema: strictSchema(req.schema), strict: true } },
      temperature: this.settings.temperature ?? 0.7,
      max_tokens: this.settings.maxTokens ?? 2048,
    };
    let res: Response;
    try {
      res = await request(`${this.v1}/chat/completions`, 'chat/completions', {
        json: body,
        headers: this.headers(),
        signal: req.signal,
        timeoutMs: this.settings.requestTimeoutMs ?? 600_000,
      });
    } catch (err) {
      if (err instanceof HttpStatusError) throw new JobError(`${this.name} refused the request: ${errorText(err.body)} (HTTP ${err.status})`, err.status >= 500 || err.status === 429);
      throw err;
    }
    if (!res.body) throw new JobError(`${this.name} answered without a body`);
    let text = '';
    let truncated = false;
    for await (const ev of sseEvents(res.body)) {
      if (ev.data === '[DONE]') return { text, truncated };
      let obj: unknown;
      try {
        obj = JSON.parse(ev.data);
      } catch {
        if (ev.event === 'error') throw new JobError(`${this.name} failed while writing: ${ev.data.slice(0, 300)}`);
        throw new JobError(`${this.name} sent an event that is not JSON: ${JSON.stringify(ev.data.slice(0, 120))}`);
      }
      const error = errorOf(obj);
      if (error || ev.event === 'error') throw new JobError(`${this.name} failed while writing: ${error ?? ev.data.slice(0, 300)}`);
      if (!Value.Check(Chunk, obj)) throw new JobError(`${this.name} sent an unexpected chunk: ${ev.data.slice(0, 160)}`);
      for (const choice of obj.choices) {
        const delta = choice.delta?.content;
        if (delta) {
          text += delta;
          req.onText(delta);
        }
        if (choice.finish_reason === 'length') truncated = true;
        if (choice.finish_reason === 'content_filter') throw new JobError(`${this.name} refused to write this dialogue (content filter)`);
      }
    }
    throw new JobError(`${this.name} closed the connection before finishing the answer`, true);
  }

  async healthy(signal?: AbortSignal): Promise<boolean> {
    try {
      const models = await requestJson(`${this.v1}/models`, '/v1/models', Models, { headers: this.headers(), signal, timeoutMs: 5000 });
      return models.data.some((m) => m.id === this.settings.model);
    } catch {
      return false;
    }
  }

  async freeMemory(): Promise<void> {
    // OpenAI-compatible servers have no unload endpoint; the server manages its own memory.
  }
}

/** `{"error":{"message":…}}` (OpenAI, vLLM, llama.cpp), `{"error":"…"}`, or `{"object":"error","message":…}` (older vLLM). */
function errorOf(obj: unknown): string | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as { error?: unknown; object?: unknown; message?: unknown };
  if (typeof o.error === 'string') return o.error;
  if (o.error && typeof o.error === 'object') {
    const m = (o.error as { message?: unknown }).message;
    return typeof m === 'string' ? m : JSON.stringify(o.error).slice(0, 300);
  }
  if (o.object === 'error' && typeof o.message === 'string') return o.message;
  return undefined;
}

function errorText(body: string): string {
  try {
    return errorOf(JSON.parse(body)) ?? body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}
