import { Type, type Static } from '@sinclair/typebox';
import { SafeName } from './names.js';

/**
 * The wall display's layout, as admins edit it (`GET/PUT /api/admin/kiosk/layout`) and the kiosk
 * reads it (`GET /api/kiosk/feed`). Tiles sit on a grid of `columns` × `rows` cells.
 */

const Strict = { additionalProperties: false } as const;
const EntityId = Type.String({ pattern: '^[a-z_]+\\.[a-z0-9_]{1,100}$', maxLength: 120, description: 'a Home Assistant entity id, e.g. light.kitchen' });
const Title = SafeName({ maxLength: 40 });
const CalendarEntityId = Type.String({
  pattern: '^calendar\\.[a-z0-9_]{1,100}$',
  maxLength: 120,
  description: 'a Home Assistant calendar, e.g. calendar.family',
});
/** "HH:MM", 24-hour clock, the appliance's local time. */
const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM (24-hour)' });

const cell = {
  x: Type.Integer({ minimum: 0, maximum: 11 }),
  y: Type.Integer({ minimum: 0, maximum: 11 }),
  w: Type.Integer({ minimum: 1, maximum: 12 }),
  h: Type.Integer({ minimum: 1, maximum: 12 }),
};
const tile = <T extends string, O extends Parameters<typeof Type.Object>[0]>(type: T, options: O) =>
  Type.Object({ type: Type.Literal(type), ...cell, options: Type.Object(options, Strict) }, Strict);

/**
 * Who is in the room. Any listed Home Assistant sensor `on` (or a wake command from HA over MQTT)
 * wakes the wall; once awake it stays so for `minOnS` (a passer-by must not make it flicker);
 * `photosAfterS` without anyone it dims to the photo frame, `offAfterS` it switches the screen
 * off (0 = never). Off wins when both are due.
 */
export const KioskPresenceSettings = Type.Object(
  {
    enabled: Type.Boolean(),
    entityIds: Type.Array(
      Type.String({
        pattern: '^(binary_sensor|input_boolean)\\.[a-z0-9_]{1,100}$',
        maxLength: 120,
        description: 'a motion / occupancy / presence binary_sensor',
      }),
      { maxItems: 8, uniqueItems: true },
    ),
    minOnS: Type.Integer({ minimum: 0, maximum: 3600 }),
    photosAfterS: Type.Integer({ minimum: 0, maximum: 86_400 }),
    offAfterS: Type.Integer({ minimum: 0, maximum: 86_400 }),
  },
  Strict,
);
export type KioskPresenceSettings = Static<typeof KioskPresenceSettings>;
export const DEFAULT_KIOSK_PRESENCE: KioskPresenceSettings = { enabled: false, entityIds: [], minOnS: 60, photosAfterS: 300, offAfterS: 900 };

/**
 * An HA `event` entity (any new event rings) or a `binary_sensor` / `input_boolean` (turning on
 * rings) and the camera to show. The picture comes through the appliance (`GET /api/kiosk/camera`),
 * which asks HA's camera proxy with its own token: the kiosk never holds one.
 */
export const KioskDoorbellSettings = Type.Object(
  {
    entityId: Type.String({
      pattern: '^(event|binary_sensor|input_boolean)\\.[a-z0-9_]{1,100}$',
      maxLength: 120,
      description: 'the doorbell: an event, binary_sensor or input_boolean entity',
    }),
    cameraEntityId: Type.String({ pattern: '^camera\\.[a-z0-9_]{1,100}$', maxLength: 120, description: 'the camera shown, e.g. camera.front_door' }),
    showS: Type.Integer({ minimum: 3, maximum: 600 }),
  },
  Strict,
);
export type KioskDoorbellSettings = Static<typeof KioskDoorbellSettings>;
/** `kiosk.camera`: show the doorbell camera for `showS` seconds from now (a duration: the wall's clock may differ). */
export const KioskCameraEvent = Type.Object({ cameraEntityId: Type.String(), showS: Type.Integer() }, Strict);
export type KioskCameraEvent = Static<typeof KioskCameraEvent>;

/** What the wall shows now: the layout, the photo frame (nobody around), or nothing (screen off). */
export const KIOSK_SCREEN_MODES = ['awake', 'photos', 'off'] as const;
export type KioskScreenMode = (typeof KIOSK_SCREEN_MODES)[number];
export const KioskPresenceState = Type.Object(
  {
    mode: Type.Union(KIOSK_SCREEN_MODES.map((m) => Type.Literal(m))),
    /** Someone is in the room now (a sensor is on). */
    present: Type.Boolean(),
    /** When `mode` last changed (ms since the epoch). */
    since: Type.Number(),
  },
  Strict,
);
export type KioskPresenceState = Static<typeof KioskPresenceState>;

export const KIOSK_TILE_TYPES = ['clock', 'weather', 'calendar', 'entities', 'jobs', 'agents', 'slideshow'] as const;
export type KioskTileType = (typeof KIOSK_TILE_TYPES)[number];

export const KioskTile = Type.Union([
  tile('clock', { seconds: Type.Optional(Type.Boolean()), date: Type.Optional(Type.Boolean()) }),
  tile('weather', { entityId: EntityId }),
  tile('calendar', { title: Type.Optional(Title), entityIds: Type.Array(CalendarEntityId, { minItems: 1, maxItems: 6, uniqueItems: true }) }),
  tile('entities', { title: Type.Optional(Title), entityIds: Type.Array(EntityId, { minItems: 1, maxItems: 12, uniqueItems: true }) }),
  tile('jobs', { max: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) }),
  tile('agents', {}),
  tile('slideshow', {}),
]);
export type KioskTile = Static<typeof KioskTile>;

export const KioskLayout = Type.Object(
  {
    columns: Type.Integer({ minimum: 1, maximum: 12 }),
    rows: Type.Integer({ minimum: 1, maximum: 12 }),
    tiles: Type.Array(KioskTile, { maxItems: 24 }),
    /** A BCP 47 tag for dates and times; absent = the browser's. */
    locale: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$', maxLength: 35 })),
    night: Type.Object(
      {
        /** Night by the clock, besides Home Assistant's switch. Equal times = no schedule. */
        from: TimeOfDay,
        to: TimeOfDay,
        scheduled: Type.Boolean(),
        /** How bright the night clock is, 0.05–1. */
        brightness: Type.Number({ minimum: 0.05, maximum: 1 }),
      },
      Strict,
    ),
    slideshow: Type.Object({ intervalS: Type.Integer({ minimum: 5, maximum: 3600 }) }, Strict),
    /** Against burn-in the whole layout moves by up to `shiftPx` every `everyS` seconds. */
    burnIn: Type.Object({ shiftPx: Type.Integer({ minimum: 0, maximum: 40 }), everyS: Type.Integer({ minimum: 10, maximum: 3600 }) }, Strict),
    /** Tiles grey out after this long without news from the appliance. */
    staleAfterS: Type.Integer({ minimum: 10, maximum: 3600 }),
    /** Waking and sleeping with people in the room; absent = always awake. */
    presence: Type.Optional(KioskPresenceSettings),
    /** The doorbell: when `entityId` rings, `cameraEntityId` fills the wall for `showS` seconds. */
    doorbell: Type.Optional(KioskDoorbellSettings),
  },
  Strict,
);
export type KioskLayout = Static<typeof KioskLayout>;

export const DEFAULT_KIOSK_LAYOUT: KioskLayout = {
  columns: 4,
  rows: 3,
  tiles: [
    { type: 'clock', x: 0, y: 0, w: 2, h: 1, options: { date: true } },
    { type: 'slideshow', x: 2, y: 0, w: 2, h: 2, options: {} },
    { type: 'jobs', x: 0, y: 1, w: 2, h: 1, options: {} },
    { type: 'agents', x: 0, y: 2, w: 4, h: 1, options: {} },
  ],
  night: { from: '22:00', to: '06:30', scheduled: true, brightness: 0.35 },
  slideshow: { intervalS: 30 },
  burnIn: { shiftPx: 8, everyS: 180 },
  staleAfterS: 90,
};

/**
 * `GET /api/kiosk/calendar`: today's and tomorrow's events (the appliance's days) of the calendars
 * in the layout's calendar tiles. `start`/`end` are ISO date-times, or `YYYY-MM-DD` for all-day events
 * (`end` is then the day after, as in iCalendar).
 */
export const KioskCalendarEvent = Type.Object(
  { entityId: Type.String(), summary: Type.String({ maxLength: 200 }), start: Type.String(), end: Type.String(), allDay: Type.Boolean() },
  Strict,
);
export type KioskCalendarEvent = Static<typeof KioskCalendarEvent>;
export const KioskCalendar = Type.Object({ events: Type.Array(KioskCalendarEvent, { maxItems: 100 }) }, Strict);
export type KioskCalendar = Static<typeof KioskCalendar>;

export const KioskPairingCode = Type.Object({ code: Type.String(), url: Type.String(), expiresAt: Type.Integer() }, Strict);
export type KioskPairingCode = Static<typeof KioskPairingCode>;
