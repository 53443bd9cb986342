import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BackendUrl, SAFE_NAME_PATTERN } from '@hearth/protocol';

/**
 * Where the agent finds its GPU servers. Part of the agent's settings file:
 * `{ "backends": { "comfyui": {...}, "llm": {...} } }`. A backend left out is simply not offered.
 */

const ModelFile = Type.String({ minLength: 1, maxLength: 260, pattern: '^[^\\0]+$' });

export const ComfyUiSettings = Type.Object(
  {
    url: BackendUrl,
    /** Checkpoint for text-to-image and stylize (file name under ComfyUI/models/checkpoints). */
    checkpoint: ModelFile,
    /** Video model files (Wan 2.2 TI2V 5B by default, see docs/runners.md). */
    video: Type.Optional(
      Type.Object(
        {
          unet: ModelFile,
          textEncoder: ModelFile,
          vae: ModelFile,
          width: Type.Optional(Type.Integer({ minimum: 256, maximum: 1280, multipleOf: 32 })),
          height: Type.Optional(Type.Integer({ minimum: 256, maximum: 1280, multipleOf: 32 })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Folder with API-format workflow templates; default: gpu-agent/workflows. */
    workflowsDir: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    /** Minimum gap between forwarded previews. */
    previewIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, default: 1000 })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 300_000, default: 30_000 })),
  },
  { additionalProperties: false },
);
export type ComfyUiSettings = Static<typeof ComfyUiSettings>;

export const RemoteLlmSettings = Type.Object(
  {
    kind: Type.Union([Type.Literal('ollama'), Type.Literal('openai')], {
      description: 'ollama: /api/chat; openai: any OpenAI-compatible /v1/chat/completions',
    }),
    url: BackendUrl,
    model: Type.String({ minLength: 1, maxLength: 500 }),
    /** Bearer token for OpenAI-compatible servers; never logged. */
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** Ollama: how long the model stays loaded after a job (e.g. "5m"). */
    keepAlive: Type.Optional(Type.Union([Type.String({ pattern: '^-?[0-9]+(ms|s|m|h)?$', maxLength: 20 }), Type.Integer()])),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 64, maximum: 32_768 })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 600_000 })),
    /** OpenAI-compatible: stream the answer (progress as it is written); false asks for one JSON answer. */
    stream: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RemoteLlmSettings = Static<typeof RemoteLlmSettings>;

/** The agent's own llama.cpp (node-llama-cpp) on a GGUF file the admin chose. */
export const BuiltinLlmSettings = Type.Object(
  {
    kind: Type.Literal('builtin'),
    /** Absolute path of a GGUF model file on the agent's machine. */
    modelPath: Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\0]+\\.gguf$' }),
    /** CPU threads for generation; default: the machine's cores less one (at most 8). */
    threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
    contextSize: Type.Optional(Type.Integer({ minimum: 512, maximum: 32_768 })),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 64, maximum: 32_768 })),
    /** The model is unloaded (its worker thread ends) after this long without a job; 0 keeps it. Default: the agent's HEARTH_AGENT_MODEL_IDLE_MS. */
    idleUnloadMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 3600_000 })),
  },
  { additionalProperties: false },
);
export type BuiltinLlmSettings = Static<typeof BuiltinLlmSettings>;

export const LlmSettings = Type.Union([RemoteLlmSettings, BuiltinLlmSettings]);
export type LlmSettings = Static<typeof LlmSettings>;

/** Piper speech: the `piper` command (piper-tts) and its `.onnx` voices (each with `.onnx.json`). */
export const PiperSettings = Type.Object(
  {
    command: Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\0]+$' }),
    voices: Type.Array(Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\0]+\\.onnx$' }), { maxItems: 32 }),
  },
  { additionalProperties: false },
);

const SpeechLanguage = Type.Union([Type.Literal('en'), Type.Literal('pl')]);

/**
 * Any OpenAI-compatible `/v1/audio/speech` server (Kokoro-FastAPI, LocalAI, Speaches, OpenAI).
 * Voices come from the server's list (`GET /v1/audio/voices`) when it has one; `voices` names the
 * ones to offer and their language (the only list for servers that have none).
 */
export const OpenAiSpeechSettings = Type.Object(
  {
    url: BackendUrl,
    /** e.g. "kokoro", "tts-1"; sent as `model`, and part of each voice's announced label. */
    model: Type.String({ minLength: 1, maxLength: 200, pattern: SAFE_NAME_PATTERN }),
    /** Bearer token; never logged. */
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    voices: Type.Optional(
      Type.Array(Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_.+-]{1,64}$' }), language: SpeechLanguage }, { additionalProperties: false }), {
        maxItems: 64,
      }),
    ),
    /** Language of the voices the server lists when `voices` is not given. */
    language: Type.Optional(SpeechLanguage),
    speed: Type.Optional(Type.Number({ minimum: 0.25, maximum: 4 })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 600_000 })),
  },
  { additionalProperties: false },
);
export type OpenAiSpeechSettings = Static<typeof OpenAiSpeechSettings>;

export const BackendSettings = Type.Object(
  {
    comfyui: Type.Optional(ComfyUiSettings),
    llm: Type.Optional(LlmSettings),
    piper: Type.Optional(PiperSettings),
    openaiSpeech: Type.Optional(OpenAiSpeechSettings),
  },
  { additionalProperties: false },
);
export type BackendSettings = Static<typeof BackendSettings>;

export class BackendSettingsError extends Error {
  override name = 'BackendSettingsError';
}

/** Validate settings; the error names the first offending field (`/comfyui/url: ...`). */
export function parseBackendSettings(value: unknown): BackendSettings {
  // A union's own error says only "Expected union value": check llm against the kind it names.
  const llm = (value as { llm?: { kind?: unknown } } | null)?.llm;
  if (llm && typeof llm === 'object') {
    const member = llm.kind === 'builtin' ? BuiltinLlmSettings : RemoteLlmSettings;
    const bad = Value.Errors(member, llm).First();
    if (bad) throw new BackendSettingsError(`backend settings /llm${bad.path}: ${bad.message}`);
  }
  const first = Value.Errors(BackendSettings, value).First();
  if (first) throw new BackendSettingsError(`backend settings ${first.path || '/'}: ${first.message}`);
  return Value.Default(BackendSettings, structuredClone(value)) as BackendSettings;
}

/** Base URL without a trailing slash, so `${base}/prompt` is always right. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
