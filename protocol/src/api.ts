import { Type, type Static } from '@sinclair/typebox';
import { AgentVoice, CAPABILITIES, JOB_STATUSES, JOB_TYPE_NAMES, JobProgress } from './jobs.js';
import { AVAILABILITY } from './mqtt.js';
import { ComputerBackendsView } from './backends.js';
import { USER_ROLES } from './principals.js';
import { KioskCameraEvent, KioskLayout, KioskPresenceState } from './kiosk.js';
import type { ServerEventName } from './plain.js';

/** The views the appliance's HTTP API and SSE stream hand to the portal and the kiosk. */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Nullable = <S extends Parameters<typeof Type.Union>[0][number]>(s: S) => Type.Union([s, Type.Null()]);

export const JobTypeName = literals(JOB_TYPE_NAMES);
export const JobStatusName = literals(JOB_STATUSES);
export const CapabilityName = literals(CAPABILITIES);

/** Whether some computer can run a capability's jobs: now, after being woken, later, or never. */
export const CAPABILITY_READINESS = ['ready', 'wake', 'waiting', 'none'] as const;
export type CapabilityReadinessState = (typeof CAPABILITY_READINESS)[number];
export const ComputerRef = Type.Object({ agentId: Type.String(), name: Type.String() }, { additionalProperties: false });
export const CapabilityReadiness = Type.Object(
  {
    state: literals(CAPABILITY_READINESS),
    /** ready: who runs it now; wake: who would be woken; waiting: who offered it before (on, but not offering it now, or not wakeable). */
    computers: Type.Array(ComputerRef),
  },
  { additionalProperties: false },
);
export type CapabilityReadiness = Static<typeof CapabilityReadiness>;

/** Why a `waiting_for_gpu` job waits, whom Hearth is waking and since when. */
export const JobWait = Type.Object(
  {
    state: literals(['wake', 'waiting', 'none'] as const),
    /** What the job needs (the server kind names the missing piece). */
    capability: CapabilityName,
    computers: Type.Array(ComputerRef),
    /** When the first wake packet of this wait went out (null: none sent). */
    since: Nullable(Type.Number()),
    /** Hearth repeats the wake packet this often while the job waits. */
    retryMs: Type.Integer(),
  },
  { additionalProperties: false },
);
export type JobWait = Static<typeof JobWait>;

export const JobView = Type.Object(
  {
    id: Type.String(),
    type: JobTypeName,
    title: Type.String(),
    status: JobStatusName,
    input: Type.Record(Type.String(), Type.Unknown()),
    ownerId: Nullable(Type.Integer()),
    ownerName: Type.String(),
    presetId: Nullable(Type.Integer()),
    progress: Nullable(JobProgress),
    result: Nullable(Type.Object({ mediaIds: Type.Array(Type.String()), data: Type.Optional(Type.Unknown()) })),
    error: Nullable(Type.String()),
    attempts: Type.Integer(),
    createdAt: Type.Number(),
    startedAt: Nullable(Type.Number()),
    finishedAt: Nullable(Type.Number()),
    /** Only while `waiting_for_gpu`. */
    wait: Type.Optional(JobWait),
  },
  { additionalProperties: false },
);
export type JobView = Static<typeof JobView>;

export const MEDIA_PRIVACY = ['private', 'family', 'kiosk'] as const;
export type MediaPrivacy = (typeof MEDIA_PRIVACY)[number];
export const MEDIA_MODERATION = ['pending', 'safe', 'unsafe'] as const;
export type MediaModeration = (typeof MEDIA_MODERATION)[number];
export const MediaPrivacyName = literals(MEDIA_PRIVACY);

export const MediaView = Type.Object(
  {
    id: Type.String({ pattern: '^[a-f0-9]{64}$' }),
    contentType: Type.String(),
    width: Nullable(Type.Integer()),
    height: Nullable(Type.Integer()),
    bytes: Type.Integer(),
    privacy: MediaPrivacyName,
    moderation: literals(MEDIA_MODERATION),
    ownerId: Nullable(Type.Integer()),
    ownerName: Type.String(),
    jobId: Nullable(Type.String()),
    /** The job that made it: its title and type (null for uploads). */
    jobTitle: Type.Optional(Nullable(Type.String())),
    jobType: Type.Optional(Nullable(JobTypeName)),
    createdAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type MediaView = Static<typeof MediaView>;

export const AgentGpuView = Type.Object(
  {
    index: Type.Integer(),
    name: Type.String(),
    utilizationPct: Nullable(Type.Number()),
    memoryUsedMiB: Nullable(Type.Number()),
    memoryTotalMiB: Nullable(Type.Number()),
    temperatureC: Nullable(Type.Number()),
    powerW: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);

export const AgentView = Type.Object(
  {
    agentId: Type.String(),
    name: Type.String(),
    availability: literals(AVAILABILITY),
    capabilities: Type.Array(CapabilityName),
    acceptingJobs: Type.Boolean(),
    gpus: Type.Array(AgentGpuView),
    /** The voices it offers for `audio.speak` (empty when it has no speech engine). */
    voices: Type.Array(AgentVoice),
    lastSeen: Nullable(Type.Number()),
  },
  { additionalProperties: false },
);
export type AgentView = Static<typeof AgentView>;

/** A computer Hearth has ever heard from (SQLite), as only admins see it on `GET /api/agents`. */
export const KnownComputerView = Type.Object(
  {
    agentId: Type.String(),
    name: Type.String(),
    /** Every capability it has ever offered, including ones whose server is down now. */
    capabilities: Type.Array(CapabilityName),
    /** Wake-on-LAN MAC addresses from its latest announcement that had any. */
    macs: Type.Array(Type.String()),
    lastSeen: Type.Number(),
  },
  { additionalProperties: false },
);
export type KnownComputerView = Static<typeof KnownComputerView>;

/** `GET /api/agents`: live agents; `known` only for admins. */
export const AgentsResponse = Type.Object(
  {
    agents: Type.Array(AgentView),
    known: Type.Optional(Type.Array(KnownComputerView)),
    /** Admins only: each computer's ComfyUI and LLM settings, by agent id. */
    backends: Type.Optional(Type.Record(Type.String(), ComputerBackendsView)),
  },
  { additionalProperties: false },
);
export type AgentsResponse = Static<typeof AgentsResponse>;

export const QuotaView = Type.Object(
  {
    /** Jobs per day for the caller's role; null = unlimited. */
    limit: Nullable(Type.Integer()),
    used: Type.Integer(),
    remaining: Nullable(Type.Integer()),
    /** When the count starts again (ms since the epoch, the appliance's local midnight). */
    resetsAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type QuotaView = Static<typeof QuotaView>;

export const PresetView = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    type: JobTypeName,
    input: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type PresetView = Static<typeof PresetView>;

export const KioskControl = Type.Object({ nightMode: Type.Boolean(), page: Type.String({ maxLength: 80 }) }, { additionalProperties: false });
export type KioskControl = Static<typeof KioskControl>;

export const HaStateEvent = Type.Object(
  { entityId: Type.String(), state: Type.String(), attributes: Type.Record(Type.String(), Type.Unknown()), lastChanged: Type.String() },
  { additionalProperties: false },
);
export type HaStateEvent = Static<typeof HaStateEvent>;

const event = <T extends string, S extends Parameters<typeof Type.Union>[0][number]>(type: T, data: S) =>
  Type.Object({ type: Type.Literal(type), data }, { additionalProperties: false });

/** Everything `GET /api/events` sends; the SSE `event:` field is `type`, `data:` is JSON of `data`. */
export const ServerEvent = Type.Union([
  event('hello', Type.Object({ version: Type.String() }, { additionalProperties: false })),
  event('job', JobView),
  event('job.progress', Type.Object({ jobId: Type.String(), progress: JobProgress }, { additionalProperties: false })),
  event('agent', AgentView),
  event('media', MediaView),
  event('media.deleted', Type.Object({ id: Type.String() }, { additionalProperties: false })),
  event('ha.state', HaStateEvent),
  event('kiosk.control', KioskControl),
  event('kiosk.layout', KioskLayout),
  event('kiosk.presence', KioskPresenceState),
  event('kiosk.camera', KioskCameraEvent),
]);
export type ServerEvent = Static<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
// The plain list and the schema must name the same events, both ways.
const sameEvents: [ServerEventType, ServerEventName] extends [ServerEventName, ServerEventType] ? true : never = true;
void sameEvents;

/** `GET /api/job-types`: the job types the caller may submit, with the JSON schema of their input (the portal's forms). */
export const JobTypeInfo = Type.Object({
  type: JobTypeName,
  title: Type.String(),
  capability: CapabilityName,
  inputSchema: Type.Unknown(),
  readiness: CapabilityReadiness,
});
export type JobTypeInfo = Static<typeof JobTypeInfo>;

/** `GET /api/kiosk/feed`: everything a paired wall display needs to draw itself from scratch. */
export const KioskFeed = Type.Object({
  kiosk: Type.Object({ id: Type.Integer(), name: Type.String() }),
  /** The appliance's version and the kiosk bundle's build: the page reloads itself when either changes. */
  version: Type.String(),
  build: Nullable(Type.String()),
  layout: KioskLayout,
  control: KioskControl,
  /** Awake, photo frame or dark, as presence decides (then `kiosk.presence` events). */
  presence: KioskPresenceState,
  /** For the kiosk's own changes (entity toggles) over its cookie session. */
  csrfToken: Type.String(),
  /** Jobs in progress, as the wall may show them (no inputs, previews or results). */
  jobs: Type.Array(JobView),
  /** Present when the agents capability is running. */
  agents: Type.Optional(Type.Array(AgentView)),
});
export type KioskFeed = Static<typeof KioskFeed>;

/** A person's account as the portal sees it (never the password hash). */
export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: literals(USER_ROLES),
  disabled: Type.Boolean(),
  createdAt: Type.Integer(),
});
export type UserView = Static<typeof UserView>;

/** `GET /api/session`, and the answer to onboarding, login and invite acceptance. */
export const SessionView = Type.Object({
  user: Nullable(UserView),
  csrfToken: Nullable(Type.String()),
  needsOnboarding: Type.Boolean(),
});
export type SessionView = Static<typeof SessionView>;

/** The admin's first-run checklist on Home, each item derived from the appliance's real state. */
export const GETTING_STARTED_ITEMS = ['invite', 'computer', 'backends', 'home-assistant', 'wall-display', 'first-comic'] as const;
export type GettingStartedItem = (typeof GETTING_STARTED_ITEMS)[number];
export const GettingStartedView = Type.Object(
  {
    /** This admin hid the checklist. */
    dismissed: Type.Boolean(),
    items: Type.Array(Type.Object({ id: literals(GETTING_STARTED_ITEMS), done: Type.Boolean(), href: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type GettingStartedView = Static<typeof GettingStartedView>;
