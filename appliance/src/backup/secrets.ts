import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { SECRET_KEYS } from '../settings/schema.js';
import { BackupError } from './errors.js';

/** Where the encrypted settings (with their secrets) live inside a backup. */
export const SECRETS_FILE = 'secrets.enc';
export const MIN_BACKUP_KEY_LENGTH = 12;

// scrypt at 32 MiB: about a tenth of a second on a Raspberry Pi 5, costly for anyone guessing keys.
const KDF = { N: 2 ** 15, r: 8, p: 1 } as const;
const AAD = Buffer.from('hearth-backup-secrets-v1');

interface Sealed {
  format: 'hearth-secrets';
  version: 1;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: 'aes-256-gcm';
  iv: string;
  tag: string;
  data: string;
}

export function checkBackupKey(key: string): void {
  if (key.length < MIN_BACKUP_KEY_LENGTH) throw new BackupError(`the backup key (HEARTH_BACKUP_KEY) must be at least ${MIN_BACKUP_KEY_LENGTH} characters`);
}

/**
 * What a backup stores for settings.json: the redacted file, and (with a key) the whole file
 * sealed in secrets.enc. Without a key the secrets are left out, and the manifest says so.
 */
export function backupSettings(original: Buffer, key: string | undefined): { redacted: Buffer; sealed: Buffer | undefined; secrets: 'encrypted' | 'omitted' } {
  const redacted = Buffer.from(redactSettings(original.toString('utf8')));
  if (!key) return { redacted, sealed: undefined, secrets: 'omitted' };
  return { redacted, sealed: sealSettings(original, key), secrets: 'encrypted' };
}

/** settings.json without any secret (HA token, session secret, …): what a backup keeps in clear. */
export function redactSettings(text: string): string {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => !SECRET_KEYS.has(k))
          .map(([k, x]) => [k, strip(x)]),
      );
    return v;
  };
  return `${JSON.stringify(strip(JSON.parse(text)), null, 2)}\n`;
}

/** Settings restored without their secrets: a new session secret (everyone logs in again), no HA token. */
export function settingsWithoutSecrets(redacted: string): string {
  const data = JSON.parse(redacted) as Record<string, unknown>;
  data.secrets = { sessionSecret: randomBytes(32).toString('base64url') };
  return `${JSON.stringify(data, null, 2)}\n`;
}

/** The whole settings.json, encrypted with AES-256-GCM under a key derived from `key` by scrypt. */
export function sealSettings(plain: Buffer, key: string): Buffer {
  checkBackupKey(key);
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(key, salt, KDF), iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const sealed: Sealed = {
    format: 'hearth-secrets',
    version: 1,
    kdf: { name: 'scrypt', ...KDF, salt: salt.toString('base64') },
    cipher: 'aes-256-gcm',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return Buffer.from(`${JSON.stringify(sealed)}\n`);
}

export function openSettings(sealedBytes: Buffer, key: string): Buffer {
  let s: Sealed;
  try {
    s = JSON.parse(sealedBytes.toString('utf8')) as Sealed;
  } catch {
    throw new BackupError(`${SECRETS_FILE} is not readable`);
  }
  if (s.format !== 'hearth-secrets' || s.version !== 1 || s.kdf?.name !== 'scrypt' || s.cipher !== 'aes-256-gcm')
    throw new BackupError(`${SECRETS_FILE} has an unknown format`);
  const { N, r, p } = s.kdf;
  if (![N, r, p].every(Number.isInteger) || N > 2 ** 20 || r > 32 || p > 16) throw new BackupError(`${SECRETS_FILE} asks for an unreasonable key derivation`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(key, Buffer.from(s.kdf.salt, 'base64'), { N, r, p }), Buffer.from(s.iv, 'base64'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(s.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(s.data, 'base64')), decipher.final()]);
  } catch {
    throw new BackupError("the backup key (HEARTH_BACKUP_KEY) does not open this backup's secrets: it is not the key the backup was made with");
  }
}

function derive(key: string, salt: Buffer, p: { N: number; r: number; p: number }): Buffer {
  return scryptSync(key.normalize('NFC'), salt, 32, { ...p, maxmem: 256 * p.N * p.r + 16 * 1024 * 1024 });
}
