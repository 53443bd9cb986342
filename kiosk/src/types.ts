import type {
  AgentView,
  JobView,
  KioskCalendar,
  KioskCalendarEvent,
  KioskCameraEvent,
  KioskControl,
  KioskFeed,
  KioskLayout,
  KioskPresenceState,
  MediaView,
} from '@hearth/protocol';

export type { AgentView, JobView, KioskCalendar, KioskCalendarEvent, KioskCameraEvent, KioskControl, KioskFeed, KioskLayout, KioskPresenceState, MediaView };
export type KioskTile = KioskLayout['tiles'][number];

/** One entity of `GET /api/kiosk/entities`, kept current by `ha.state` events. */
export interface KioskEntity {
  entityId: string;
  name: string;
  state: string;
  attributes: Record<string, unknown>;
  lastChanged: string;
  allowToggle: boolean;
  available: boolean;
}
