import { Type, type Static } from '@sinclair/typebox';
import { HA_COMPONENTS, HA_DISCOVERY_MODES } from '@hearth/protocol';
import type { SettingsStore } from '../settings/settings-store.js';

const TopicId = Type.String({ pattern: '^[a-zA-Z0-9_-]{1,128}$' });

/** What discovery configs the appliance last published, so those of deleted presets can be cleared after a restart. */
export const DiscoveryRecord = Type.Object(
  {
    mode: Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m))),
    prefix: Type.String({ minLength: 1, maxLength: 200 }),
    nodeId: TopicId,
    entities: Type.Array(Type.Object({ component: Type.Union(HA_COMPONENTS.map((c) => Type.Literal(c))), objectId: TopicId }, { additionalProperties: false }), { maxItems: 5000 }),
  },
  { additionalProperties: false },
);
export type DiscoveryRecord = Static<typeof DiscoveryRecord>;

/** settings.json section `mqttDevice`. */
export const MqttDeviceSettings = Type.Object(
  {
    /** `component` (any HA) or `device` (one device-based payload, HA ≥ 2024.11). */
    discoveryMode: Type.Optional(Type.Union(HA_DISCOVERY_MODES.map((m) => Type.Literal(m)))),
    /** The `home-assistant` device principal that owns jobs started from HA's preset buttons. */
    principalDeviceId: Type.Optional(Type.Integer({ minimum: 1 })),
    published: Type.Optional(DiscoveryRecord),
  },
  { additionalProperties: false },
);
export type MqttDeviceSettings = Static<typeof MqttDeviceSettings>;

/** The section (validated with the rest of settings.json), or `{}` when absent. */
export function readDeviceSettings(settings: SettingsStore): MqttDeviceSettings {
  return settings.get().mqttDevice ?? {};
}

export function updateDeviceSettings(settings: SettingsStore, change: Partial<MqttDeviceSettings>): Promise<unknown> {
  return settings.update((draft) => {
    draft.mqttDevice = { ...draft.mqttDevice, ...change };
  });
}
