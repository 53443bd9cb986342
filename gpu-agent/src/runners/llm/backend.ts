import type { ChatMessage } from './dialogue.js';

export interface ChatRequest {
  messages: ChatMessage[];
  /** JSON Schema the answer must follow (structured output). */
  schema: Record<string, unknown>;
  signal: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onText(delta: string): void;
}

export interface ChatAnswer {
  text: string;
  /** The server stopped because it hit the token limit. */
  truncated: boolean;
}

/** One chat server protocol (Ollama's /api/chat, or OpenAI-compatible /v1/chat/completions). */
export interface ChatBackend {
  readonly name: string;
  chat(req: ChatRequest): Promise<ChatAnswer>;
  healthy(signal?: AbortSignal): Promise<boolean>;
  freeMemory(): Promise<void>;
}
