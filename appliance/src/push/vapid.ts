import webPush from 'web-push';
import type { SettingsStore } from '../settings/settings-store.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * The appliance's VAPID key pair, kept with its other secrets in settings.json (mode 0600; sealed
 * or left out of backups like the session secret). Made on the first start that needs it.
 */
export async function vapidKeys(settings: SettingsStore): Promise<VapidKeys> {
  const stored = settings.get().secrets.vapid;
  if (stored) return stored;
  const made = webPush.generateVAPIDKeys();
  await settings.update((s) => {
    s.secrets.vapid = { publicKey: made.publicKey, privateKey: made.privateKey };
  });
  return made;
}

/** Who runs this push sender (RFC 8292 `sub`): the portal's https address, else a contact address push services accept. */
export function vapidSubject(publicUrl: string | undefined): string {
  return publicUrl?.startsWith('https://') ? new URL(publicUrl).origin : 'mailto:hearth@hearth.local';
}
