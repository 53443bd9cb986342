import { Type, type Static } from '@sinclair/typebox';
import { DiscoveryRecord, HA_DISCOVERY_SETTINGS } from '@hearth/protocol';
import type { SettingsStore } from '../settings/settings-store.js';

/** settings.json section `mqttDevice`. */
export const MqttDeviceSettings = Type.Object(
  {
    /**
     * `auto` (absent = auto): device-based when Home Assistant's version is known to read it, else
     * per-component; `component` (any HA) or `device` (HA ≥ 2024.11) to decide by hand.
     */
    discoveryMode: Type.Optional(Type.Union(HA_DISCOVERY_SETTINGS.map((m) => Type.Literal(m)))),
    /** The Home Assistant version last seen over the websocket link, kept so a restart chooses the same form before the link is up. */
    haVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
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
