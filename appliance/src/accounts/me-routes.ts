import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { conflict, HttpError, invalidField } from '../http/errors.js';
import { SIGNED_IN_USERS } from '../http/access.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { UserView } from '@hearth/protocol';
import { AnyPassword, Password, strict } from './schemas.js';
import { toView } from './auth-routes.js';

function userId(request: FastifyRequest): number {
  const p = request.principal;
  if (p.kind !== 'user') throw new HttpError(401, 'Log in first');
  return p.id;
}

/** A signed-in person's own account: profile, password, export, deletion. */
export const meRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { users, sessions, audit, accountExport } = app;

  app.get(
    '/api/me',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['me'], summary: 'My account', response: { 200: Type.Object({ user: UserView, csrfToken: Type.String() }) } },
    },
    async (request) => ({ user: toView(users.byId(userId(request))!), csrfToken: sessions.csrfToken(request) ?? '' }),
  );

  app.post(
    '/api/me/password',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['me'],
        summary: 'Change my password (ends my other sessions)',
        body: Type.Object({ currentPassword: AnyPassword, newPassword: Password }, strict),
      },
    },
    async (request, reply) => {
      const id = userId(request);
      const { currentPassword, newPassword } = request.body;
      if (!(await verifyPassword(users.passwordHash(id)!, currentPassword))) {
        audit.record({ actor: request.principal, action: 'password.change', outcome: 'denied', ip: request.ip });
        throw invalidField({ message: 'body/currentPassword is not your current password', field: 'currentPassword', code: 'invalid' });
      }
      app.passwordPolicy.check(request, 'body.newPassword', newPassword, users.byId(id)?.username ?? '');
      users.update(id, { passwordHash: await hashPassword(newPassword) });
      // Other browsers lose their sessions; this one gets a new id.
      sessions.endAllForUser(id, 'password-changed');
      const csrf = await sessions.login(request, users.byId(id)!);
      audit.record({ actor: request.principal, action: 'password.changed', target: `user:${id}`, ip: request.ip });
      return reply.code(204).header('x-csrf-token', csrf).send();
    },
  );

  app.get(
    '/api/me/export',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['me'], summary: 'Download everything Hearth keeps about me (JSON)' },
    },
    async (request, reply) => {
      const id = userId(request);
      const data = { exportedAt: new Date().toISOString(), account: toView(users.byId(id)!), ...accountExport.collect(id) };
      audit.record({ actor: request.principal, action: 'account.exported', target: `user:${id}`, ip: request.ip });
      return reply.header('content-disposition', `attachment; filename="hearth-export-${id}.json"`).send(data);
    },
  );

  app.delete(
    '/api/me',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['me'], summary: 'Delete my account and my data', body: Type.Object({ password: AnyPassword }, strict) },
    },
    async (request, reply) => {
      const id = userId(request);
      if (!(await verifyPassword(users.passwordHash(id)!, request.body.password)))
        throw invalidField({ message: 'body/password is not your password', field: 'password', code: 'invalid' });
      const me = users.byId(id)!;
      if (me.role === 'admin' && users.otherActiveAdmins(id) === 0) {
        throw conflict('You are the last admin: make someone else an admin before deleting your account');
      }
      audit.record({ actor: request.principal, action: 'account.deleted', target: `user:${id}`, ip: request.ip, detail: { username: me.username } });
      await sessions.logout(request);
      users.delete(id);
      sessions.endAllForUser(id, 'account-deleted');
      return reply.code(204).send();
    },
  );
};
