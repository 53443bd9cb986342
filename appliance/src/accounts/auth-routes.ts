import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { conflict, HttpError } from '../http/errors.js';
import { SIGNED_IN_USERS } from '../http/access.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';
import { KnownDevices } from './known-devices.js';
import { isLocalPeer } from '../http/local-peer.js';
import { SessionView } from '@hearth/protocol';
import { AnyPassword, DisplayName, LinkToken, Password, strict, Username } from './schemas.js';
import type { User } from './users.js';

export const toView = (u: User) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role, disabled: u.disabled, createdAt: u.createdAt });

const NewAccount = Type.Object({ username: Username, displayName: DisplayName, password: Password }, strict);

/** Onboarding, login and logout, and the anonymous half of invites and password resets. */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, links, sessions, audit, throttle } = app;
  const known = new KnownDevices(() => app.settings.get().secrets.sessionSecret);

  app.get(
    '/api/session',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Who am I, and is Hearth set up yet', response: { 200: SessionView } },
    },
    async (request) => {
      const p = request.principal;
      const user = p.kind === 'user' ? users.byId(p.id) : undefined;
      return { user: user ? toView(user) : null, csrfToken: user ? (sessions.csrfToken(request) ?? null) : null, needsOnboarding: users.count() === 0 };
    },
  );

  app.get(
    '/api/whoami',
    {
      config: { access: ['admin', 'member', 'child', 'kiosk', 'agent', 'home-assistant'] },
      schema: {
        tags: ['auth'],
        summary: 'The principal behind this cookie or token (devices use it to check their token)',
        response: { 200: Type.Object({ kind: Type.String(), id: Type.Integer(), name: Type.String(), role: Type.String() }) },
      },
    },
    async (request) => {
      const p = request.principal;
      if (p.kind === 'anonymous') throw new HttpError(401, 'Log in first');
      return { kind: p.kind, id: p.id, name: p.name, role: p.kind === 'user' ? p.role : p.deviceKind };
    },
  );

  app.post(
    '/api/onboarding',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Create the first admin (only while no account exists)', body: NewAccount, response: { 201: SessionView } },
    },
    async (request, reply) => {
      if (users.count() > 0) throw conflict('Hearth is already set up: log in instead');
      const b = request.body;
      app.passwordPolicy.check(request, 'body.password', b.password, b.username);
      const passwordHash = await hashPassword(b.password);
      const user = users.createFirstAdmin({ username: b.username, displayName: b.displayName, passwordHash });
      if (!user) throw conflict('Hearth is already set up: log in instead');
      const csrfToken = await sessions.login(request, user);
      audit.record({ actor: request.principal, action: 'onboarding.admin-created', target: `user:${user.id}`, ip: request.ip });
      return reply.code(201).send({ user: toView(user), csrfToken, needsOnboarding: false });
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Log in',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: AnyPassword }, strict),
        response: { 200: SessionView },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const name = username.toLowerCase();
      // Per address, per (account, address), then per account. The account-wide lock — anyone on the
      // LAN can earn it — does not stop the right password from a browser that logged in as this
      // user before, nor from the appliance's own console.
      const keys = [`ip:${request.ip}`, `user-ip:${name}@${request.ip}`, `user:${name}`];
      const trusted = known.knows(request, name) || isLocalPeer(request);
      const waitMs = throttle.retryAfterMs(trusted ? keys.slice(0, 2) : keys);
      if (waitMs > 0) {
        audit.record({ actor: request.principal, action: 'login.refused-locked', target: `username:${username}`, outcome: 'denied', ip: request.ip });
        throw tooMany(waitMs);
      }
      const found = users.credentials(username);
      // Same work and same answer whether the user exists or not.
      const ok = await verifyPassword(found?.passwordHash ?? (await dummyHash()), password);
      if (!found || !ok || found.user.disabled) {
        const lockedFor = throttle.fail(keys);
        audit.record({ actor: request.principal, action: 'login.failed', target: `username:${username}`, outcome: 'denied', ip: request.ip });
        if (lockedFor > 0) {
          audit.record({
            actor: request.principal,
            action: 'login.lockout',
            target: `username:${username}`,
            outcome: 'denied',
            ip: request.ip,
            detail: { lockedForMs: lockedFor },
          });
        }
        throw new HttpError(401, 'Wrong username or password');
      }
      throttle.succeed(keys);
      known.remember(reply, name);
      const csrfToken = await sessions.login(request, found.user);
      audit.record({ actor: request.principal, action: 'login.ok', target: `user:${found.user.id}`, ip: request.ip });
      return { user: toView(found.user), csrfToken, needsOnboarding: false };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['auth'], summary: 'Log out of this browser' },
    },
    async (request, reply) => {
      audit.record({ actor: request.principal, action: 'logout', ip: request.ip });
      await sessions.logout(request);
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/auth/logout-everywhere',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['auth'], summary: 'Log out of every browser and device', response: { 200: Type.Object({ ended: Type.Integer() }) } },
    },
    async (request) => {
      const p = request.principal;
      if (p.kind !== 'user') throw new HttpError(401, 'Log in first');
      await sessions.logout(request);
      const ended = sessions.endAllForUser(p.id, 'logout-everywhere') + 1;
      audit.record({ actor: p, action: 'logout.everywhere', ip: request.ip, detail: { ended } });
      return { ended };
    },
  );

  app.post(
    '/api/invites/inspect',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Check an invitation before accepting it',
        body: Type.Object({ token: LinkToken }, strict),
        response: { 200: Type.Object({ role: Type.String(), expiresAt: Type.Integer() }) },
      },
    },
    async (request) => {
      const found = links.lookup('invite', request.body.token);
      if ('problem' in found) throw new HttpError(410, found.problem);
      return { role: found.link.role!, expiresAt: found.link.expiresAt };
    },
  );

  app.post(
    '/api/invites/accept',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation and create your account',
        body: Type.Object({ token: LinkToken, username: Username, displayName: DisplayName, password: Password }, strict),
        response: { 201: SessionView },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const found = links.lookup('invite', b.token);
      if ('problem' in found) throw new HttpError(410, found.problem);
      if (users.usernameTaken(b.username)) throw conflict(`The username "${b.username}" is taken; choose another`);
      app.passwordPolicy.check(request, 'body.password', b.password, b.username);
      const passwordHash = await hashPassword(b.password);
      const user = app.db.transaction(() => {
        if (users.usernameTaken(b.username)) return 'taken' as const;
        const created = users.create({ username: b.username, displayName: b.displayName, passwordHash, role: found.link.role! });
        if (!links.consume(found.link.id, created.id)) throw new HttpError(410, 'This invitation has already been used. Ask an admin for a new one.');
        return created;
      })();
      if (user === 'taken') throw conflict(`The username "${b.username}" is taken; choose another`);
      const csrfToken = await sessions.login(request, user);
      audit.record({
        actor: request.principal,
        action: 'invite.accepted',
        target: `user:${user.id}`,
        ip: request.ip,
        detail: { inviteId: found.link.id, role: user.role },
      });
      return reply.code(201).send({ user: toView(user), csrfToken, needsOnboarding: false });
    },
  );

  app.post(
    '/api/password-resets/complete',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Set a new password with a reset link', body: Type.Object({ token: LinkToken, newPassword: Password }, strict) },
    },
    async (request, reply) => {
      const b = request.body;
      const found = links.lookup('reset', b.token);
      if ('problem' in found) throw new HttpError(410, found.problem);
      const userId = found.link.userId!;
      app.passwordPolicy.check(request, 'body.newPassword', b.newPassword, users.byId(userId)?.username ?? '');
      const passwordHash = await hashPassword(b.newPassword);
      const done = app.db.transaction(() => {
        if (!links.consume(found.link.id, userId)) return false;
        users.update(userId, { passwordHash });
        return true;
      })();
      if (!done) throw new HttpError(410, 'This password reset link has already been used. Ask an admin for a new one.');
      sessions.endAllForUser(userId, 'password-reset');
      throttle.succeed([`user:${users.byId(userId)?.username.toLowerCase()}`]);
      audit.record({ actor: request.principal, action: 'password.reset', target: `user:${userId}`, ip: request.ip });
      return reply.code(204).send();
    },
  );
};

function tooMany(waitMs: number): HttpError {
  const seconds = Math.ceil(waitMs / 1000);
  return new HttpError(429, `Too many failed attempts. Try again in ${seconds} seconds.`, { 'retry-after': String(seconds) });
}
