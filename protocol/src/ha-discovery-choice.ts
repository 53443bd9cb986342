import { Type, type Static } from '@sinclair/typebox';
import { HA_DISCOVERY_MODES, type HaDiscoveryMode } from './ha-discovery.js';

/**
 * Which discovery form Hearth uses is decided once, by the appliance, and every agent follows it:
 * the appliance publishes this retained on `applianceTopics().haDiscovery`.
 */

/** The admin's setting: `auto` picks device-based discovery when Home Assistant is known to read it. */
export const HA_DISCOVERY_SETTINGS = ['auto', ...HA_DISCOVERY_MODES] as const;
export type HaDiscoverySetting = (typeof HA_DISCOVERY_SETTINGS)[number];

/** Device-based discovery (`<prefix>/device/<id>/config` with `cmps`) arrived in HA 2024.11. */
export const DEVICE_DISCOVERY_SINCE = [2024, 11] as const;

/** HA versions are `YEAR.MONTH.PATCH` (with suffixes such as `.dev0` or `b1`); null when unreadable. */
export function parseHaVersion(version: string): [number, number] | null {
  const m = /^(\d{4})\.(\d{1,2})(?:\.|b|$)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : null;
}

export function readsDeviceDiscovery(haVersion: string): boolean {
  const v = parseHaVersion(haVersion);
  if (!v) return false;
  const [year, month] = DEVICE_DISCOVERY_SINCE;
  return v[0] > year || (v[0] === year && v[1] >= month);
}

/**
 * The form to publish: the admin's explicit choice, else device-based when HA's version is known to
 * read it, else per-component — the form every HA reads (and, with both `object_id` and
 * `default_entity_id`, gives the same entity ids everywhere).
 */
export function chooseDiscoveryMode(setting: HaDiscoverySetting, haVersion: string | null): HaDiscoveryMode {
  if (setting !== 'auto') return setting;
  return haVersion !== null && readsDeviceDiscovery(haVersion) ? 'device' : 'component';
}

/** Retained on `hearth/appliance/ha-discovery`. */
export const HaDiscoveryChoice = Type.Object(
  {
    mode: Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m))),
    /** The Home Assistant version the choice was made for; null when the appliance does not know it. */
    haVersion: Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type HaDiscoveryChoice = Static<typeof HaDiscoveryChoice>;
