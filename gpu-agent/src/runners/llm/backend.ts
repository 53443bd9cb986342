import type { ChatMessage } from './dialogue.js';

export interface ChatRequest {
  messages: ChatMessage[];
  /** JSON Schema the answer must follow (structured output). */
  schema: Record<string, unknown>;
  /** What the schema describes, for servers that want a name with it (`comic_dialogue`, `story`). */
  schemaName?: string;
  /** Most tokens the answer may take (the backend's own limit still applies when lower). */
  maxTokens?: number;
  signal: AbortSignal;
  /** Called with each piece of text as it streams in; `tokens` is the count so far where the backend knows it. */
  onText(delta: string, tokens?: number): void;
}

export interface ChatAnswer {
  text: string;
  /** The server stopped because it hit the token limit. */
  truncated: boolean;
  /** The model that wrote it, as the server names it (shown to the family with the result). */
  model?: string;
  /** Tokens generated, where the backend reports them. */
  tokens?: number;
}

/** One way to reach a chat model: Ollama's /api/chat, an OpenAI-compatible server, or the built-in llama.cpp. */
export interface ChatBackend {
  readonly name: string;
  chat(req: ChatRequest): Promise<ChatAnswer>;
  healthy(signal?: AbortSignal): Promise<boolean>;
  freeMemory(): Promise<void>;
  close?(): Promise<void>;
}
