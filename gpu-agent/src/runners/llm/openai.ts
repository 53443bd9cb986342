/**
 * Any OpenAI-compatible server (OpenAI, vLLM, llama.cpp's llama-server, llama-cpp-python's server,
 * LM Studio, Ollama's /v1): POST /v1/chat/completions. Streaming answers server-sent events
 * `data: {chunk}` and finally `data: [DONE]`; errors after the stream started come as an event
 * whose data has an `error`, or as `event: error`. There is no standard way to unload a model,
 * so freeMemory does nothing.
 *
 * Structured output differs between real servers: OpenAI and llama-server take
 * `response_format: {type: "json_schema"}`; llama-cpp-python refuses it (HTTP 500, "Input should
 * be 'text' or 'json_object'") but constrains `{type: "json_object", schema}`; others take neither.
 * The first refusal that names the field steps down (json_schema → json_object + schema → the
 * schema in the prompt, checked afterwards) and the backend remembers what worked.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { JobError } from '../runner.js';
import { request, requestJson, HttpStatusError } from '../../backends/http.js';
import { baseUrl, type RemoteLlmSettings } from '../../backends/settings.js';
import type { ChatAnswer, ChatBackend, ChatRequest } from './backend.js';
import { schemaInstruction, type ChatMessage } from './dialogue.js';
import { errorBodyMessage, errorMessageOf, refusesResponseFormat, retryableStatus, shortError } from './server-errors.js';
import { sseEvents } from './stream.js';

const Choice = Type.Object({
  delta: Type.Optional(Type.Object({ content: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
  message: Type.Optional(Type.Object({ content: Type.Optional(Type.Union([Type.String(), Type.Null()])) })),
  finish_reason: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
const Chunk = Type.Object({ model: Type.Optional(Type.String()), choices: Type.Array(Choice) });
const Completion = Type.Object({
  model: Type.Optional(Type.String()),
  choices: Type.Array(Choice, { minItems: 1 }),
  usage: Type.Optional(Type.Object({ completion_tokens: Type.Optional(Type.Integer()) })),
});
const Models = Type.Object({ data: Type.Array(Type.Object({ id: Type.String() })) });

export type FormatMode = 'json_schema' | 'json_object' | 'prompt';
const NEXT_MODE: Record<FormatMode, FormatMode | undefined> = { json_schema: 'json_object', json_object: 'prompt', prompt: undefined };

/** `/models/x/SmolLM2-135M-Instruct.Q4_1.gguf` → `SmolLM2-135M-Instruct.Q4_1`. */
const stem = (id: string) => id.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');

export class OpenAiChat implements ChatBackend {
  readonly name = 'the OpenAI-compatible server';
  private readonly v1: string;
  /** How this server takes structured output; learnt from its first refusal. */
  mode: FormatMode = 'json_schema';

  constructor(private readonly settings: RemoteLlmSettings) {
    const base = baseUrl(settings.url);
    this.v1 = base.endsWith('/v1') ? base : `${base}/v1`;
  }

  private headers(): Record<string, string> {
    return this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {};
  }

  private body(req: ChatRequest, mode: FormatMode, stream: boolean): Record<string, unknown> {
    const messages: ChatMessage[] = mode === 'json_schema' ? req.messages : withSchemaInPrompt(req.messages, req.schema);
    const limit = this.settings.maxTokens ?? 2048;
    return {
      model: this.settings.model,
      messages,
      stream,
      ...(mode === 'json_schema' && {
        response_format: { type: 'json_schema', json_schema: { name: req.schemaName ?? 'comic_dialogue', schema: req.schema, strict: true } },
      }),
      ...(mode === 'json_object' && { response_format: { type: 'json_object', schema: req.schema } }),
      temperature: this.settings.temperature ?? 0.7,
      max_tokens: Math.min(limit, req.maxTokens ?? limit),
    };
  }

  async chat(req: ChatRequest): Promise<ChatAnswer> {
    const stream = this.settings.stream ?? true;
    for (;;) {
      let res: Response;
      try {
        res = await request(`${this.v1}/chat/completions`, 'chat/completions', {
          json: this.body(req, this.mode, stream),
          headers: this.headers(),
          signal: req.signal,
          timeoutMs: this.settings.requestTimeoutMs ?? 600_000,
        });
      } catch (err) {
        if (!(err instanceof HttpStatusError)) throw err;
        const message = errorBodyMessage(err.body);
        const next = NEXT_MODE[this.mode];
        if (next && refusesResponseFormat(err.status, message)) {
          this.mode = next;
          continue;
        }
        throw new JobError(
          `${this.name} refused the request: ${shortError(message)} (HTTP ${err.status})`,
          retryableStatus(err.status, message),
          err.body.slice(0, 8000),
        );
      }
      return stream ? this.readStream(res, req) : this.readCompletion(res, req);
    }
  }

  private async readCompletion(res: Response, req: ChatRequest): Promise<ChatAnswer> {
    const raw = await res.text();
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw new JobError(`${this.name} answered with something that is not JSON`, false, raw.slice(0, 2000));
    }
    if (!Value.Check(Completion, obj)) throw new JobError(`${this.name} sent an unexpected answer`, false, raw.slice(0, 2000));
    const choice = obj.choices[0]!;
    if (choice.finish_reason === 'content_filter') throw new JobError(`${this.name} refused to write this (content filter)`);
    const text = choice.message?.content ?? '';
    req.onText(text, obj.usage?.completion_tokens);
    return { text, truncated: choice.finish_reason === 'length', model: obj.model ?? this.settings.model, tokens: obj.usage?.completion_tokens };
  }

  private async readStream(res: Response, req: ChatRequest): Promise<ChatAnswer> {
    if (!res.body) throw new JobError(`${this.name} answered without a body`);
    let text = '';
    let truncated = false;
    let model: string | undefined;
    let chunks = 0;
    for await (const ev of sseEvents(res.body)) {
      if (ev.data === '[DONE]') return { text, truncated, model: model ?? this.settings.model };
      let obj: unknown;
      try {
        obj = JSON.parse(ev.data);
      } catch {
        if (ev.event === 'error') throw new JobError(`${this.name} failed while writing: ${shortError(ev.data)}`, false, ev.data.slice(0, 4000));
        throw new JobError(`${this.name} sent an event that is not JSON: ${JSON.stringify(ev.data.slice(0, 120))}`);
      }
      const error = errorMessageOf(obj);
      if (error || ev.event === 'error')
        throw new JobError(`${this.name} failed while writing: ${shortError(error ?? ev.data)}`, false, ev.data.slice(0, 4000));
      if (!Value.Check(Chunk, obj)) throw new JobError(`${this.name} sent an unexpected chunk: ${ev.data.slice(0, 160)}`);
      model ??= obj.model;
      for (const choice of obj.choices) {
        const delta = choice.delta?.content;
        if (delta) {
          text += delta;
          // Servers send about one token per chunk (llama.cpp exactly one).
          req.onText(delta, ++chunks);
        }
        if (choice.finish_reason === 'length') truncated = true;
        if (choice.finish_reason === 'content_filter') throw new JobError(`${this.name} refused to write this (content filter)`);
      }
    }
    throw new JobError(`${this.name} closed the connection before finishing the answer`, true);
  }

  /** The model ids the server lists (`/v1/models`). */
  async models(signal?: AbortSignal): Promise<string[]> {
    const models = await requestJson(`${this.v1}/models`, '/v1/models', Models, { headers: this.headers(), signal, timeoutMs: 5000 });
    return models.data.map((m) => m.id);
  }

  /**
   * Up when the server lists the model. llama.cpp's servers name their one model by its file
   * path (unless started with --alias) and ignore `model` in requests, so a file name matches its
   * path, and a server with exactly one model serves whatever name we use.
   */
  async healthy(signal?: AbortSignal): Promise<boolean> {
    try {
      return this.serves(await this.models(signal));
    } catch {
      return false;
    }
  }

  /** Whether a server listing `ids` serves our model. */
  serves(ids: string[]): boolean {
    const want = this.settings.model;
    return ids.length === 1 || ids.some((id) => id === want || stem(id) === stem(want));
  }

  async freeMemory(): Promise<void> {
    // OpenAI-compatible servers have no unload endpoint; the server manages its own memory.
  }
}

function withSchemaInPrompt(messages: ChatMessage[], schema: Record<string, unknown>): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first?.role !== 'system') return [{ role: 'system', content: schemaInstruction(schema) }, ...messages];
  return [{ role: 'system', content: `${first.content}\n${schemaInstruction(schema)}` }, ...rest];
}
