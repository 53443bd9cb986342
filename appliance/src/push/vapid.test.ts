import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsStore } from '../settings/settings-store.js';
import { backupSettings, openSettings } from '../backup/secrets.js';
import { vapidKeys } from './vapid.js';

describe('VAPID keys', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('are made once, kept across restarts, and travel in backups only sealed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hearth-vapid-'));
    const file = join(dir, 'settings.json');
    const made = await vapidKeys(await SettingsStore.open(file));
    expect(Buffer.from(made.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(made.privateKey, 'base64url')).toHaveLength(32);
    expect(await vapidKeys(await SettingsStore.open(file))).toEqual(made);

    const original = await readFile(file);
    const withoutKey = backupSettings(original, undefined);
    expect(withoutKey.secrets).toBe('omitted');
    expect(withoutKey.redacted.toString()).not.toContain(made.privateKey);
    const sealed = backupSettings(original, 'a long backup passphrase');
    expect(sealed.sealed!.toString()).not.toContain(made.privateKey);
    expect(JSON.parse(openSettings(sealed.sealed!, 'a long backup passphrase').toString()).secrets.vapid).toEqual(made);
  });
});
