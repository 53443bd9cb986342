/**
 * Ollama's native API (docs/api.md and docs/api/errors.mdx, ollama v0.33): POST /api/chat streams
 * NDJSON objects `{message:{content}, done:false}` … `{done:true, done_reason}`; an error after the
 * stream started arrives as a line `{"error":"…"}`. GET /api/tags lists local models.
 */
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { JobError } from '../runner.js';
import { request, requestJson, HttpStatusError } from '../../backends/http.js';
import { baseUrl, type RemoteLlmSettings } from '../../backends/settings.js';
import type { ChatAnswer, ChatBackend, ChatRequest } from './backend.js';
import { lines } from './stream.js';

const ChatChunk = Type.Object({
  message: Type.Optional(Type.Object({ content: Type.Optional(Type.String()) })),
  done: Type.Boolean(),
  done_reason: Type.Optional(Type.String()),
});
const ErrorLine = Type.Object({ error: Type.String() });
const Tags = Type.Object({ models: Type.Array(Type.Object({ name: Type.String(), model: Type.Optional(Type.String()) })) });
const Version = Type.Object({ version: Type.String() });

/** `llama3.2` and `llama3.2:latest` are the same model to Ollama. */
const withTag = (name: string) => (name.includes(':') ? name : `${name}:latest`);

export class OllamaChat implements ChatBackend {
  readonly name = 'Ollama';
  private readonly base: string;

  constructor(private readonly settings: RemoteLlmSettings) {
    this.base = baseUrl(settings.url);
  }

  async chat(req: ChatRequest): Promise<ChatAnswer> {
    const body = {
      model: this.settings.model,
      messages: req.messages,
      stream: true,
      format: req.schema,
      keep_alive: this.settings.keepAlive ?? '5m',
      options: { temperature: this.settings.temperature ?? 0.7, num_predict: Math.min(this.settings.maxTokens ?? 2048, req.maxTokens ?? Infinity) },
    };
    let res: Response;
    try {
      res = await request(`${this.base}/api/chat`, 'Ollama /api/chat', {
        json: body,
        signal: req.signal,
        timeoutMs: this.settings.requestTimeoutMs ?? 600_000,
      });
    } catch (err) {
      if (err instanceof HttpStatusError) throw new JobError(`Ollama refused the request: ${errorText(err.body)} (HTTP ${err.status})`, err.status >= 500);
      throw err;
    }
    if (!res.body) throw new JobError('Ollama answered without a body');
    let text = '';
    for await (const line of lines(res.body)) {
      if (!line.trim()) continue;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        throw new JobError(`Ollama sent a line that is not JSON: ${JSON.stringify(line.slice(0, 120))}`);
      }
      if (Value.Check(ErrorLine, obj)) throw new JobError(`Ollama failed while writing: ${obj.error}`);
      if (!Value.Check(ChatChunk, obj)) throw new JobError(`Ollama sent an unexpected chunk: ${line.slice(0, 160)}`);
      const delta = obj.message?.content ?? '';
      if (delta) {
        text += delta;
        req.onText(delta);
      }
      if (obj.done) return { text, truncated: obj.done_reason === 'length', model: this.settings.model };
    }
    throw new JobError('Ollama closed the connection before finishing the answer', true);
  }

  async version(signal?: AbortSignal): Promise<string> {
    return (await requestJson(`${this.base}/api/version`, 'Ollama /api/version', Version, { signal, timeoutMs: 5000 })).version;
  }

  /** The local models' names (`/api/tags`). */
  async models(signal?: AbortSignal): Promise<string[]> {
    const tags = await requestJson(`${this.base}/api/tags`, 'Ollama /api/tags', Tags, { signal, timeoutMs: 5000 });
    return tags.models.map((m) => m.name);
  }

  async healthy(signal?: AbortSignal): Promise<boolean> {
    try {
      await this.version(signal);
      return this.serves(await this.models(signal));
    } catch {
      return false;
    }
  }

  /** Whether a server listing `names` has our model. */
  serves(names: string[]): boolean {
    const want = withTag(this.settings.model);
    return names.some((m) => withTag(m) === want);
  }

  /** An empty chat with keep_alive 0 unloads the model (docs/api.md "Unload a model"). */
  async freeMemory(): Promise<void> {
    await request(`${this.base}/api/chat`, 'Ollama unload', {
      json: { model: this.settings.model, messages: [], keep_alive: 0, stream: false },
      timeoutMs: 30_000,
    });
  }
}

function errorText(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (Value.Check(ErrorLine, parsed)) return parsed.error;
  } catch {
    // not JSON: show it raw
  }
  return body.slice(0, 300);
}
