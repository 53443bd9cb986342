/**
 * The shapes the portal reads from the appliance (docs: brief APPLIANCE.md "HTTP contracts").
 * Kept as plain types so that no schema library ends up in the browser bundle.
 */
import type { JobProgress, JobStatus, JobType, UserRole } from '@hearth/protocol';

export type { JobProgress, JobStatus, JobType, UserRole };

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  createdAt: number;
}

export interface SessionInfo {
  user: User | null;
  csrfToken: string | null;
  needsOnboarding: boolean;
}

export interface Job {
  id: string;
  type: string;
  title: string;
  status: JobStatus;
  input: Record<string, unknown>;
  ownerId: number | null;
  ownerName: string;
  presetId: number | null;
  progress: JobProgress | null;
  result: { mediaIds: string[]; data?: unknown } | null;
  error: string | null;
  attempts: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export type Privacy = 'private' | 'family' | 'kiosk';
export type Moderation = 'pending' | 'safe' | 'unsafe';

export interface Media {
  id: string;
  contentType: string;
  width: number | null;
  height: number | null;
  bytes: number;
  privacy: Privacy;
  moderation: Moderation;
  ownerId: number | null;
  ownerName: string;
  jobId: string | null;
  createdAt: number;
}

export interface Gpu {
  index: number;
  name: string;
  utilizationPct: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerW: number | null;
}

export interface Agent {
  agentId: string;
  name: string;
  availability: 'online' | 'asleep' | 'offline';
  capabilities: string[];
  acceptingJobs: boolean;
  gpus: Gpu[];
  lastSeen: number | null;
}

export interface Quota {
  limit: number;
  used: number;
  remaining: number;
  resetsAt: number;
}

/** JSON Schema as TypeBox emits it, the subset the generated forms understand. */
export interface JsonSchema {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
}

export interface JobTypeInfo {
  type: string;
  title: string;
  capability: string;
  inputSchema: JsonSchema;
}

export interface Preset {
  id: number;
  name: string;
  type: string;
  input: Record<string, unknown>;
}
