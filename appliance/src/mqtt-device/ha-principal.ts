import type { Principal } from '@hearth/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { Devices } from '../devices/device-tokens.js';
import type { SettingsStore } from '../settings/settings-store.js';
import { readDeviceSettings, updateDeviceSettings } from './device-settings.js';

export const HA_MQTT_PRINCIPAL_NAME = 'Home Assistant (MQTT)';
type DevicePrincipal = Extract<Principal, { kind: 'device' }>;

/**
 * The `home-assistant` device principal that owns jobs started by HA's preset buttons. Made once and
 * remembered in settings; its token is never used (MQTT carries the presses), so it is dropped at once.
 * An admin who revokes it switches the buttons off: it is then not re-created, and presses are refused.
 */
export async function homeAssistantPrincipal(
  devices: Devices,
  settings: SettingsStore,
  audit: AuditLog,
): Promise<{ principal: DevicePrincipal; revoked: boolean }> {
  const id = readDeviceSettings(settings).principalDeviceId;
  const known = id === undefined ? undefined : devices.byId(id);
  if (known && known.kind === 'home-assistant') {
    return { principal: { kind: 'device', id: known.id, deviceKind: 'home-assistant', name: known.name }, revoked: known.revokedAt !== null };
  }
  const { device } = devices.create('home-assistant', HA_MQTT_PRINCIPAL_NAME, null);
  await updateDeviceSettings(settings, { principalDeviceId: device.id });
  const principal: DevicePrincipal = { kind: 'device', id: device.id, deviceKind: 'home-assistant', name: device.name };
  audit.record({
    actor: principal,
    action: 'device.created',
    target: `device:${device.id}`,
    detail: { kind: 'home-assistant', name: device.name, reason: 'preset buttons over MQTT' },
  });
  return { principal, revoked: false };
}
