import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DeviceKind, Principal } from '@hearth/protocol';
import type { Db } from '../db/database.js';

export interface Device {
  id: number;
  kind: DeviceKind;
  name: string;
  createdBy: number | null;
  createdAt: number;
  revokedAt: number | null;
  lastSeenAt: number | null;
  /** Agents only: the agent id this token signed in to the embedded MQTT broker as (bound at first sign-in). */
  mqttAgentId: string | null;
}

interface DeviceRow {
  id: number;
  kind: DeviceKind;
  name: string;
  token_hash: string;
  created_by: number | null;
  created_at: number;
  revoked_at: number | null;
  last_seen_at: number | null;
  mqtt_agent_id: string | null;
}

const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
  lastSeenAt: r.last_seen_at,
  mqttAgentId: r.mqtt_agent_id,
});

const TOKEN = /^hd_(\d{1,12})_([A-Za-z0-9_-]{43})$/;
const digest = (secret: string) => createHash('sha256').update(secret).digest();
const LAST_SEEN_RESOLUTION_MS = 60_000;

/**
 * Device principals (kiosk, agent, home-assistant) and their bearer tokens. A token is
 * `hd_<id>_<secret>`; only sha256(secret) is stored (the secret has 256 bits, so a slow hash
 * adds nothing), and it is shown exactly once, when created.
 */
export class Devices {
  // Prepared once: authenticate runs on every agent and Home Assistant request.
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO devices (kind, name, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
      byId: db.prepare<[number], DeviceRow>('SELECT * FROM devices WHERE id = ?'),
      list: db.prepare<[], DeviceRow>('SELECT * FROM devices ORDER BY id'),
      revoke: db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      live: db.prepare<[number], DeviceRow>('SELECT * FROM devices WHERE id = ? AND revoked_at IS NULL'),
      seen: db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
      bindAgent: db.prepare(`UPDATE devices SET mqtt_agent_id = ? WHERE id = ? AND kind = 'agent' AND revoked_at IS NULL AND mqtt_agent_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM devices WHERE mqtt_agent_id = ? AND revoked_at IS NULL)`),
    };
  }

  create(kind: DeviceKind, name: string, createdBy: number | null): { device: Device; token: string } {
    const secret = randomBytes(32).toString('base64url');
    const info = this.stmts.insert.run(kind, name, digest(secret).toString('hex'), createdBy, Date.now());
    const id = Number(info.lastInsertRowid);
    return { device: this.byId(id)!, token: `hd_${id}_${secret}` };
  }

  byId(id: number): Device | undefined {
    const row = this.stmts.byId.get(id);
    return row && toDevice(row);
  }

  list(): Device[] {
    return this.stmts.list.all().map(toDevice);
  }

  revoke(id: number): boolean {
    return this.stmts.revoke.run(Date.now(), id).changes === 1;
  }

  authenticate(token: string): Principal | null {
    const m = TOKEN.exec(token);
    if (!m) return null;
    const row = this.stmts.live.get(Number(m[1]));
    if (!row) return null;
    const expected = Buffer.from(row.token_hash, 'hex');
    if (!timingSafeEqual(expected, digest(m[2]!))) return null;
    this.touch(toDevice(row));
    return { kind: 'device', id: row.id, deviceKind: row.kind, name: row.name };
  }

  /**
   * Binds a live agent token to the MQTT agent id it signs in as, the first time; afterwards only that
   * id. False when the token is bound to another id or the id belongs to another live token.
   */
  bindMqttAgent(deviceId: number, agentId: string): boolean {
    this.stmts.bindAgent.run(agentId, deviceId, agentId);
    const row = this.stmts.live.get(deviceId);
    return row?.kind === 'agent' && row.mqtt_agent_id === agentId;
  }

  /** Note that a device was seen (a bearer request or a cookie session), at most once a minute. */
  touch(device: Device): void {
    const now = Date.now();
    if (!device.lastSeenAt || now - device.lastSeenAt > LAST_SEEN_RESOLUTION_MS) this.stmts.seen.run(now, device.id);
  }
}
