/**
 * Contracts that are plain values (no schema library): the browsers import these from
 * `@hearth/protocol/plain` so TypeBox stays out of the portal and kiosk bundles.
 */

export const JOB_STATUSES = ['queued', 'waiting_for_gpu', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const FINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];
/** Statuses of a job that is still going: it may yet change by itself. */
export const LIVE_STATUSES: readonly JobStatus[] = ['queued', 'waiting_for_gpu', 'running'];
export const isLiveStatus = (status: JobStatus): boolean => LIVE_STATUSES.includes(status);

/** Every `event:` type `GET /api/events` sends (checked against the `ServerEvent` schema in api.ts). */
export const SERVER_EVENT_TYPES = [
  'hello',
  'job',
  'job.progress',
  'agent',
  'media',
  'media.deleted',
  'ha.state',
  'kiosk.control',
  'kiosk.layout',
  'kiosk.presence',
  'kiosk.camera',
] as const;
export type ServerEventName = (typeof SERVER_EVENT_TYPES)[number];

/** Where phones download the hub's root certificate (Caddy also serves it over plain HTTP, see provisioning/Caddyfile). */
export const HUB_CA_DOWNLOAD_PATH = '/hearth-ca.crt';

export {
  FIELD_ERROR_CODES,
  STATUS_ERROR_CODES,
  statusErrorCode,
  type ErrorCode,
  type FieldErrorCode,
  type StatusErrorCode,
  type FieldError,
} from './error-codes.js';
export { backoffDelay, type Backoff } from './backoff.js';

/** What a family member may be told on a device by Web Push, each opted in per device. */
export const PUSH_KINDS = ['jobSucceeded', 'jobFailed', 'comicReady', 'storyReady'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** Kinds of language model an agent can use: an OpenAI-compatible server, Ollama, or its own llama.cpp on a GGUF file. */
export const LLM_KINDS = ['openai', 'ollama', 'builtin'] as const;
export type LlmKind = (typeof LLM_KINDS)[number];
/** ComfyUI templates a family may replace with their own workflow (API format). */
export const WORKFLOW_TEMPLATES = ['text-to-image', 'image-to-image', 'text-to-video'] as const;
export type WorkflowTemplate = (typeof WORKFLOW_TEMPLATES)[number];
/** Why a backend test failed, for a sentence in the person's language; the result's `detail` is the server's own words. */
export const BACKEND_FAILURES = ['unreachable', 'timeout', 'http', 'bad-answer', 'not-gguf', 'model-missing', 'no-backend'] as const;
export type BackendFailure = (typeof BACKEND_FAILURES)[number];
