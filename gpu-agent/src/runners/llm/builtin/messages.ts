/** What the agent and the built-in LLM's worker thread say to each other (over WorkerHost). */
import type { ChatMessage } from '../dialogue.js';

export interface LlamaWorkerData {
  modelPath: string;
  threads: number;
  contextSize: number;
}

export type LlamaRequest = { op: 'generate'; messages: ChatMessage[]; schema: Record<string, unknown>; maxTokens: number; temperature: number };

/** Emitted while a request is written: the new text and the tokens so far. */
export interface LlamaText {
  delta: string;
  tokens: number;
}

export interface LlamaAnswers {
  generate: { text: string; truncated: boolean; tokens: number; model: string };
}
