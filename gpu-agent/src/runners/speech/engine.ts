import type { AgentVoice } from '@hearth/protocol';

/** One speech engine (Piper, espeak-ng, an OpenAI-compatible server) behind the `audio.speak` runner. */
export type SpeechLanguage = AgentVoice['language'];

/** `id` is `<engine>:<voice>`, what `audio.speak` jobs name; the agent announces these. */
export type Voice = AgentVoice;

export interface SpeechEngine {
  readonly name: string;
  /** Voices this engine offers on this machine; empty when the engine is not installed. */
  voices(): Promise<Voice[]>;
  /** Speak `text` with one of this engine's voices; resolves with a WAV file. */
  synthesize(text: string, voice: Voice, signal: AbortSignal): Promise<Buffer>;
}

/**
 * Narration pace the voices are chosen and tuned for (words per minute); Polish words are longer,
 * so fewer fit in a minute. Engines must land within ±30 % of it (speak-runner.test.ts checks).
 */
export const NARRATION_WORDS_PER_MINUTE: Record<SpeechLanguage, number> = { en: 190, pl: 130 };
