import type { AgentView, JobView, KioskCameraEvent, KioskControl, KioskLayout, KioskPresenceState, MediaView } from '@hearth/protocol';

export type { AgentView, JobView, KioskCameraEvent, KioskControl, KioskLayout, KioskPresenceState, MediaView };
export type KioskTile = KioskLayout['tiles'][number];

/** `GET /api/kiosk/feed` (appliance/src/kiosk-feed/feed-routes.ts). */
export interface KioskFeed {
  kiosk: { id: number; name: string };
  version: string;
  build: string | null;
  layout: KioskLayout;
  control: KioskControl;
  presence: KioskPresenceState;
  csrfToken: string;
  jobs: JobView[];
  agents?: AgentView[];
}

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
