/**
 * The shapes the portal reads from the appliance: the protocol's views, imported as types only
 * so that no schema library ends up in the browser bundle.
 */
import type {
  AgentView,
  JobTypeInfo as ProtocolJobTypeInfo,
  JobProgress,
  JobStatus,
  JobType,
  JobView,
  KioskControl,
  KioskLayout,
  KioskTileType,
  MediaModeration,
  MediaPrivacy,
  MediaView,
  PresetView,
  QuotaView,
  SessionView,
  UserRole,
  UserView,
} from '@hearth/protocol';

export type { JobProgress, JobStatus, JobType, KioskControl, KioskLayout, KioskTileType, UserRole };
export type KioskTile = KioskLayout['tiles'][number];

export type User = UserView;
export type SessionInfo = SessionView;

export type Job = JobView;
export type Media = MediaView;
export type Privacy = MediaPrivacy;
export type Moderation = MediaModeration;
export type Agent = AgentView;
export type Gpu = AgentView['gpus'][number];
export type Quota = QuotaView;
export type Preset = PresetView;

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

/** `GET /api/job-types` (protocol `JobTypeInfo`), its input schema narrowed to what the forms read. */
export type JobTypeInfo = Omit<ProtocolJobTypeInfo, 'inputSchema'> & { inputSchema: JsonSchema };
