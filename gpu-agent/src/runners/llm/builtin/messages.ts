/** What the agent and the built-in LLM's worker thread say to each other. */
import type { ChatMessage } from '../dialogue.js';

export interface LlamaWorkerData {
  modelPath: string;
  threads: number;
  contextSize: number;
}

export type LlamaRequest =
  | { op: 'generate'; id: number; messages: ChatMessage[]; schema: Record<string, unknown>; maxTokens: number; temperature: number }
  | { op: 'cancel'; id: number };

export type LlamaReply =
  | { id: number; kind: 'text'; delta: string; tokens: number }
  | { id: number; kind: 'done'; text: string; truncated: boolean; tokens: number; model: string }
  | { id: number; kind: 'error'; name: string; message: string };
