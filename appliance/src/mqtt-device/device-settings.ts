import { Type, type Static } from '@sinclair/typebox';
import { DiscoveryRecord, HA_DISCOVERY_MODES } from '@hearth/protocol';
import type { SettingsStore } from '../settings/settings-store.js';



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
