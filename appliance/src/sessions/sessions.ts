import type {} from '@fastify/session';
import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '@hearth/protocol';
import type { PrincipalResolver } from '../http/access.js';
import type { Device, Devices } from '../devices/device-tokens.js';
import type { User, Users } from '../accounts/users.js';
import type { SqliteSessionStore } from './sqlite-session-store.js';
import type { DomainBus, SessionsEndedReason } from '../bus/domain-bus.js';

declare module 'fastify' {
  interface Session {
    userId?: number;
    /** A device's cookie session (the kiosk: EventSource cannot send a bearer token). */
    deviceId?: number;
    csrf?: string;
    createdAt?: number;
    lastSeen?: number;
    /** When the store may forget this session: the earlier of idle and absolute expiry. */
    expiresAt?: number;
  }
}

export interface SessionPolicy {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after login, however busy. */
  absoluteMs: number;
  /** The same two limits for device sessions (a wall display runs for months); defaults below. */
  device?: { idleMs: number; absoluteMs: number };
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 14 * 24 * 3600_000, absoluteMs: 30 * 24 * 3600_000 };
export const DEFAULT_DEVICE_SESSION_LIMITS = { idleMs: 30 * 24 * 3600_000, absoluteMs: 365 * 24 * 3600_000 };

/** Bump lastSeen at most this often (a tenth of the idle limit, at most a minute), so a busy portal does not rewrite its session on every request. */
const touchEvery = (p: { idleMs: number }) => Math.min(60_000, p.idleMs / 10);

/** Logging in and out, and turning a request's cookie or token into a principal. */
export class Sessions implements PrincipalResolver {
  constructor(
    private readonly users: Users,
    private readonly devices: Devices,
    private readonly store: SqliteSessionStore,
    private readonly bus: DomainBus,
    readonly policy: SessionPolicy,
    /** Tests move it instead of sleeping through the limits. */
    private readonly now: () => number = Date.now,
  ) {}

  /** Start a fresh session for `user` (a new id, so a planted cookie is worthless); returns the CSRF token. */
  async login(request: FastifyRequest, user: User): Promise<string> {
    await request.session.regenerate();
    const now = this.now();
    const csrf = randomBytes(24).toString('base64url');
    request.session.userId = user.id;
    request.session.csrf = csrf;
    request.session.createdAt = now;
    request.session.lastSeen = now;
    request.session.expiresAt = this.expiry(now, now);
    request.principal = principalOf(user);
    request.authMethod = 'session';
    return csrf;
  }

  /** Start a fresh cookie session for a device; it lives as long as the device is not revoked, up to the device limits. */
  async loginDevice(request: FastifyRequest, device: Device): Promise<string> {
    await request.session.regenerate();
    const now = this.now();
    const csrf = randomBytes(24).toString('base64url');
    const limits = this.deviceLimits;
    request.session.deviceId = device.id;
    request.session.csrf = csrf;
    request.session.createdAt = now;
    request.session.lastSeen = now;
    request.session.expiresAt = Math.min(now + limits.absoluteMs, now + limits.idleMs);
    request.session.cookie.maxAge = limits.absoluteMs;
    request.principal = { kind: 'device', id: device.id, deviceKind: device.kind, name: device.name };
    request.authMethod = 'session';
    return csrf;
  }

  async logout(request: FastifyRequest): Promise<void> {
    await request.session.destroy();
  }

  /** End every session of a user; their open event streams are cut at once (`user.sessionsEnded`). */
  endAllForUser(userId: number, reason: SessionsEndedReason): number {
    const sessions = this.store.destroyAllForUser(userId);
    this.bus.emit('user.sessionsEnded', { userId, reason, sessions });
    return sessions;
  }

  fromBearer(token: string): Principal | null {
    return this.devices.authenticate(token);
  }

  async fromSession(request: FastifyRequest): Promise<Principal> {
    const s = request.session;
    if (s?.deviceId) return this.fromDeviceSession(request);
    const userId = s?.userId;
    if (!userId) return { kind: 'anonymous' };
    const now = this.now();
    const createdAt = s.createdAt ?? 0;
    const lastSeen = s.lastSeen ?? 0;
    const user = this.users.byId(userId);
    if (!user || user.disabled || now - createdAt > this.policy.absoluteMs || now - lastSeen > this.policy.idleMs) {
      await s.destroy();
      return { kind: 'anonymous' };
    }
    if (now - lastSeen > touchEvery(this.policy)) {
      s.lastSeen = now;
      s.expiresAt = this.expiry(createdAt, now);
    }
    return principalOf(user);
  }

  private async fromDeviceSession(request: FastifyRequest): Promise<Principal> {
    const s = request.session;
    const limits = this.deviceLimits;
    const now = this.now();
    const createdAt = s.createdAt ?? 0;
    const lastSeen = s.lastSeen ?? 0;
    const device = this.devices.byId(s.deviceId!);
    // Revoking the device in the admin page ends its cookie session on the next request.
    if (!device || device.revokedAt !== null || now - createdAt > limits.absoluteMs || now - lastSeen > limits.idleMs) {
      await s.destroy();
      return { kind: 'anonymous' };
    }
    if (now - lastSeen > touchEvery(limits)) {
      s.lastSeen = now;
      s.expiresAt = Math.min(createdAt + limits.absoluteMs, now + limits.idleMs);
    }
    this.devices.touch(device);
    return { kind: 'device', id: device.id, deviceKind: device.kind, name: device.name };
  }

  private get deviceLimits(): { idleMs: number; absoluteMs: number } {
    return this.policy.device ?? DEFAULT_DEVICE_SESSION_LIMITS;
  }

  csrfToken(request: FastifyRequest): string | undefined {
    return request.session?.csrf;
  }

  private expiry(createdAt: number, lastSeen: number): number {
    return Math.min(createdAt + this.policy.absoluteMs, lastSeen + this.policy.idleMs);
  }
}

export const principalOf = (u: User): Principal => ({ kind: 'user', id: u.id, role: u.role, name: u.displayName });
