import { createHmac, randomInt } from 'node:crypto';
import type { Db } from '../db/database.js';

/** No 0/O, 1/I/L, U: a code read off a phone and typed on a touch screen must survive a squint. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTVWXYZ';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_CODE_TTL_MS = 15 * 60_000;

export interface PairingCode {
  id: number;
  name: string;
  createdBy: number | null;
  expiresAt: number;
}

/** `reason` is the error code the wall display translates (`pairing-unknown`, `-used`, `-expired`). */
export type Redeemed = { code: PairingCode } | { problem: string; reason: 'unknown' | 'used' | 'expired' };

interface Row {
  id: number;
  name: string;
  created_by: number | null;
  expires_at: number;
  used_at: number | null;
}

/** "abcd-efgh", "ABCD EFGH" and "abcdefgh" are the same code. */
export const normalizeCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, '');

/**
 * One-time kiosk pairing codes. A short code has little entropy, so what is stored is an HMAC
 * under the appliance's own secret: a copied database does not give the codes away.
 */
export class PairingCodes {
  constructor(
    private readonly db: Db,
    private readonly secret: string,
    private readonly ttlMs = PAIRING_CODE_TTL_MS,
  ) {}

  create(name: string, createdBy: number | null, now = Date.now()): { code: string; expiresAt: number } {
    let code = '';
    for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    const expiresAt = now + this.ttlMs;
    this.db
      .prepare('INSERT INTO kiosk_pairing_codes (code_hash, name, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(this.hash(code), name, createdBy, now, expiresAt);
    return { code, expiresAt };
  }

  /** Use a code up (atomically: two screens racing with one code get one pairing). */
  redeem(code: string, now = Date.now()): Redeemed {
    const hash = this.hash(normalizeCode(code));
    return this.db.transaction((): Redeemed => {
      const row = this.db.prepare<[string], Row>('SELECT id, name, created_by, expires_at, used_at FROM kiosk_pairing_codes WHERE code_hash = ?').get(hash);
      if (!row) return { problem: 'This pairing code is not known: check it, or make a new one in the portal', reason: 'unknown' };
      if (row.used_at !== null) return { problem: 'This pairing code was already used: make a new one in the portal', reason: 'used' };
      if (row.expires_at <= now) return { problem: 'This pairing code has expired: make a new one in the portal', reason: 'expired' };
      this.db.prepare('UPDATE kiosk_pairing_codes SET used_at = ? WHERE id = ?').run(now, row.id);
      return { code: { id: row.id, name: row.name, createdBy: row.created_by, expiresAt: row.expires_at } };
    })();
  }

  /** Remember which device a code made, for the audit trail. */
  linkDevice(codeId: number, deviceId: number): void {
    this.db.prepare('UPDATE kiosk_pairing_codes SET device_id = ? WHERE id = ?').run(deviceId, codeId);
  }

  /** Forget codes that can no longer be used (kept a day for the record). */
  sweep(now = Date.now()): number {
    return this.db.prepare('DELETE FROM kiosk_pairing_codes WHERE expires_at < ?').run(now - 24 * 3600_000).changes;
  }

  private hash(code: string): string {
    return createHmac('sha256', this.secret).update(`kiosk-pairing:${code}`).digest('hex');
  }
}
