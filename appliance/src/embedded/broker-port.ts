import { Type, type Static } from '@sinclair/typebox';
import type { SettingsStore } from '../settings/settings-store.js';
import { anyFreePort, isFree } from './redis-server.js';

export const MQTT_DEFAULT_PORT = 1883;

/** settings.json section `embeddedMqtt`: the port the embedded broker took on its first start. */
export const EmbeddedMqttSettings = Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535 }) }, { additionalProperties: false });
export type EmbeddedMqttSettings = Static<typeof EmbeddedMqttSettings>;

/**
 * The embedded broker's port, stable across restarts so Home Assistant's MQTT settings keep
 * working: `HEARTH_MQTT_PORT` when set; else the port saved on the first start; else (first start)
 * 1883, or a free port when 1883 is taken, which is then saved. A saved or configured port that is
 * taken later is an error at start, never a silent move.
 */
export async function embeddedBrokerPort(settings: SettingsStore, configured: number | undefined, host: string): Promise<number> {
  if (configured !== undefined) return configured;
  const saved = settings.get().embeddedMqtt?.port;
  if (saved !== undefined) return saved;
  const port = (await isFree(MQTT_DEFAULT_PORT, host)) ? MQTT_DEFAULT_PORT : await anyFreePort(host);
  await settings.update((draft) => {
    draft.embeddedMqtt = { port };
  });
  return port;
}
