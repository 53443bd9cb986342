import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Where the agent finds its GPU servers. Part of the agent's settings file:
 * `{ "backends": { "comfyui": {...}, "llm": {...} } }`. A backend left out is simply not offered.
 */

const HttpUrl = Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$', maxLength: 500, description: 'base URL, e.g. http://127.0.0.1:8188' });
const ModelFile = Type.String({ minLength: 1, maxLength: 260, pattern: '^[^\\0]+$' });

export const ComfyUiSettings = Type.Object(
  {
    url: HttpUrl,
    /** Checkpoint for text-to-image and stylize (file name under ComfyUI/models/checkpoints). */
    checkpoint: ModelFile,
    /** Video model files (Wan 2.2 TI2V 5B by default, see docs/runners.md). */
    video: Type.Optional(
      Type.Object(
        { unet: ModelFile, textEncoder: ModelFile, vae: ModelFile, width: Type.Optional(Type.Integer({ minimum: 256, maximum: 1280, multipleOf: 32 })), height: Type.Optional(Type.Integer({ minimum: 256, maximum: 1280, multipleOf: 32 })) },
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

export const LlmSettings = Type.Object(
  {
    kind: Type.Union([Type.Literal('ollama'), Type.Literal('openai')], { description: 'ollama: /api/chat; openai: any OpenAI-compatible /v1/chat/completions' }),
    url: HttpUrl,
    model: Type.String({ minLength: 1, maxLength: 200 }),
    /** Bearer token for OpenAI-compatible servers; never logged. */
    apiKey: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** Ollama: how long the model stays loaded after a job (e.g. "5m"). */
    keepAlive: Type.Optional(Type.Union([Type.String({ pattern: '^-?[0-9]+(ms|s|m|h)?$', maxLength: 20 }), Type.Integer()])),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2 })),
    maxTokens: Type.Optional(Type.Integer({ minimum: 64, maximum: 32_768 })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 500, maximum: 600_000 })),
  },
  { additionalProperties: false },
);
export type LlmSettings = Static<typeof LlmSettings>;

/** Piper speech: the `piper` command (piper-tts) and its `.onnx` voices (each with `.onnx.json`). */
export const PiperSettings = Type.Object(
  {
    command: Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\0]+$' }),
    voices: Type.Array(Type.String({ minLength: 1, maxLength: 1000, pattern: '^[^\\0]+\\.onnx$' }), { maxItems: 32 }),
  },
  { additionalProperties: false },
);

export const BackendSettings = Type.Object(
  { comfyui: Type.Optional(ComfyUiSettings), llm: Type.Optional(LlmSettings), piper: Type.Optional(PiperSettings) },
  { additionalProperties: false },
);
export type BackendSettings = Static<typeof BackendSettings>;

export class BackendSettingsError extends Error {
  override name = 'BackendSettingsError';
}

/** Validate settings; the error names the first offending field (`/comfyui/url: ...`). */
export function parseBackendSettings(value: unknown): BackendSettings {
  const first = Value.Errors(BackendSettings, value).First();
  if (first) throw new BackendSettingsError(`backend settings ${first.path || '/'}: ${first.message}`);
  return Value.Default(BackendSettings, structuredClone(value)) as BackendSettings;
}

/** Base URL without a trailing slash, so `${base}/prompt` is always right. */
export function baseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}
