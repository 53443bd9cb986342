import { asJobError, HttpStatusError, request } from '../../backends/http.js';
import { baseUrl, type OpenAiSpeechSettings } from '../../backends/settings.js';
import { errorBodyMessage, retryableStatus, shortError } from '../llm/server-errors.js';
import { JobError } from '../runner.js';
import type { SpeechEngine, SpeechLanguage, Voice } from './engine.js';

/** OpenAI's limit on `input`; servers that follow the API take at least this much. */
export const OPENAI_SPEECH_MAX_INPUT = 4096;
const VOICE_NAME = /^[A-Za-z0-9_.+-]{1,64}$/;

/**
 * Any OpenAI-compatible `POST /v1/audio/speech` server: `{model, input, voice, response_format,
 * speed}` → the audio bytes, errors as `{error: {message, type, param, code}}`. We always ask for
 * WAV so the runner can measure the speech. The voice list comes from `GET /v1/audio/voices`
 * where the server has one (Kokoro-FastAPI: `{voices: ["af_bella", …]}` or `{voices: [{id, name}]}`);
 * OpenAI itself has none, so the settings' `voices` are the list there.
 */
export class OpenAiSpeechEngine implements SpeechEngine {
  readonly name = 'openai';
  private readonly v1: string;
  /** The server's list once it has answered; until then every call asks again. */
  private listed: Voice[] | undefined;

  constructor(private readonly settings: OpenAiSpeechSettings) {
    const base = baseUrl(settings.url);
    this.v1 = base.endsWith('/v1') ? base : `${base}/v1`;
  }

  private headers(): Record<string, string> {
    return this.settings.apiKey ? { authorization: `Bearer ${this.settings.apiKey}` } : {};
  }

  async voices(): Promise<Voice[]> {
    if (this.listed) return this.listed;
    const configured = this.settings.voices;
    const served = await this.serverVoices();
    if (served === undefined) return (configured ?? []).map((v) => this.voice(v.name, v.language));
    // Configured names pick from the server's list and say their language; otherwise all of it.
    this.listed = configured
      ? configured.filter((v) => served.includes(v.name)).map((v) => this.voice(v.name, v.language))
      : served.map((name) => this.voice(name, this.settings.language ?? 'en'));
    return this.listed;
  }

  private voice(name: string, language: SpeechLanguage): Voice {
    return { id: `openai:${name}`, language, label: `${this.settings.model} ${name}`.slice(0, 80) };
  }

  /** Voice names from the server's list; undefined when it has none or cannot be reached now. */
  private async serverVoices(): Promise<string[] | undefined> {
    let body: unknown;
    try {
      const res = await request(`${this.v1}/audio/voices`, 'audio/voices', { headers: this.headers(), timeoutMs: 10_000 });
      body = await res.json();
    } catch {
      return undefined;
    }
    const o = body as { voices?: unknown; data?: unknown } | null;
    const items = Array.isArray(o?.voices) ? o.voices : Array.isArray(o?.data) ? o.data : undefined;
    if (!items) return undefined;
    const names = items.map((v: unknown) => (typeof v === 'string' ? v : (v as { id?: unknown } | null)?.id));
    return names.filter((n): n is string => typeof n === 'string' && VOICE_NAME.test(n));
  }

  async synthesize(text: string, voice: Voice, signal: AbortSignal): Promise<Buffer> {
    if (text.length > OPENAI_SPEECH_MAX_INPUT)
      throw new JobError(`the text is longer than the ${OPENAI_SPEECH_MAX_INPUT} characters a speech server takes at once`);
    const json = {
      model: this.settings.model,
      input: text,
      voice: voice.id.slice('openai:'.length),
      response_format: 'wav',
      speed: this.settings.speed ?? 1,
    };
    try {
      const res = await request(`${this.v1}/audio/speech`, 'the speech server', {
        json,
        headers: this.headers(),
        signal,
        timeoutMs: this.settings.requestTimeoutMs ?? 120_000,
      });
      return Buffer.from(await res.arrayBuffer());
    } catch (err) {
      if (err instanceof HttpStatusError) {
        const message = errorBodyMessage(err.body);
        throw new JobError(
          `the speech server refused (HTTP ${err.status}): ${shortError(message)}`,
          retryableStatus(err.status, message),
          err.body.slice(0, 2000),
        );
      }
      throw asJobError(err, 'the speech server', signal);
    }
  }
}
