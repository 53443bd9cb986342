import {
  TypedBus,
  type AgentView,
  type HaStateEvent,
  type PushKind,
  type JobProgress,
  type JobView,
  type KioskControl,
  type KioskCameraEvent,
  type KioskLayout,
  type KioskPresenceState,
} from '@hearth/protocol';
import type { MediaRow } from '../media/media-repo.js';

/** Whose job it is: decides who may hear about it (owner + admins; Hearth's own jobs stay off the wall). */
export interface JobOwnerRef {
  kind: 'user' | 'device' | 'system';
  userId: number | null;
}

/** The statuses counted as transitions (metrics); other changes (requeue, park) carry none. */
export type JobTransition = 'created' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** Why a user's sessions (and so their live streams) ended. */
export type SessionsEndedReason = 'disabled' | 'role-changed' | 'logout-everywhere' | 'password-changed' | 'password-reset' | 'account-deleted';

/**
 * Every domain event one appliance process exchanges between its capabilities, with its payload.
 * Publishers say what happened; subscribers (SSE, kiosk feed, metrics, MQTT device, audit) decide
 * what it means for them. No capability reaches into another's store to find out.
 */
export interface ApplianceEvents {
  /** A job's row changed (created, status, attempt); `job` is the full view as SQLite has it now. */
  'job.changed': { job: JobView; owner: JobOwnerRef; transition?: JobTransition };
  /** Progress reported by the agent running the job (validated against the protocol). */
  'job.progress': { jobId: string; owner: JobOwnerRef; progress: JobProgress };
  /** A job succeeded and its media are linked (after its `job.changed`). */
  'job.succeeded': { job: JobView; owner: JobOwnerRef; mediaIds: string[] };
  /**
   * A pipeline finished by itself (not cancelled): all its steps done, or one failed. `page` names
   * what it worked on, where the portal shows it, and what its kind calls a success (a comic, a story).
   */
  'pipeline.finished': {
    pipeline: { id: number; kind: string; title: string; status: 'succeeded' | 'failed'; ownerId: number | null };
    page?: { name: string; notice: PushKind | null; path: string };
  };
  /** A new gallery item (an upload or a job's artifact); `pending` items await moderation. */
  'media.added': { media: MediaRow };
  /** An item's privacy or moderation changed; `before` is the row as it was. */
  'media.changed': { media: MediaRow; before: MediaRow };
  'media.deleted': { media: MediaRow };
  'agent.changed': AgentView;
  /** Home Assistant state; `kioskVisible` when the entity is on the kiosk's configured subset. */
  'ha.stateChanged': { state: HaStateEvent; kioskVisible: boolean };
  /** Every session of the user is gone: their open streams must close now. */
  'user.sessionsEnded': { userId: number; reason: SessionsEndedReason; sessions: number };
  /** A device token was revoked: its open streams must close now. */
  'device.revoked': { deviceId: number };
  /** A settings section was written (`homeAssistant`, `jobs`, `kiosk`, …). */
  'settings.changed': { section: string };
  'kiosk.controlChanged': KioskControl;
  'kiosk.layoutChanged': { layout: KioskLayout };
  /** The wall woke, dimmed to the photo frame, or went dark (presence, HA's switch, timers). */
  'kiosk.presenceChanged': KioskPresenceState;
  /** The doorbell rang: walls show its camera for `showS` seconds. */
  'kiosk.doorbell': KioskCameraEvent;
}

export type ApplianceEventName = keyof ApplianceEvents;

/** The appliance's typed in-process event bus (the agent's `AgentBus`, for the appliance). */
export class DomainBus extends TypedBus<ApplianceEvents> {}
