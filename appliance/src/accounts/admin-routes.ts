import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { conflict, HttpError, notFound } from '../http/errors.js';
import { ADMIN } from '../http/access.js';
import { UserView } from '@hearth/protocol';
import { IdParams, Role, strict } from './schemas.js';
import { toView } from './auth-routes.js';

const HOUR = 3600_000;

const LinkView = Type.Object({ id: Type.Integer(), url: Type.String(), expiresAt: Type.Integer() });
const InviteView = Type.Object({ id: Type.Integer(), role: Role, createdAt: Type.Integer(), expiresAt: Type.Integer() });

/** The address people open, for links: the configured public URL, else what this request used. */
function baseUrl(request: FastifyRequest, configured: string | undefined): string {
  return (configured ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
}

/** Admins manage the family's accounts: invites, roles, disabling, reset links. */
export const adminUserRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string | undefined }> = async (app, opts) => {
  const { users, links, sessions, audit } = app;

  app.get(
    '/api/admin/users',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Everyone with an account', response: { 200: Type.Object({ users: Type.Array(UserView) }) } },
    },
    async () => ({ users: users.list().map(toView) }),
  );

  app.patch(
    '/api/admin/users/:id',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Change a role, or disable / re-enable an account',
        params: IdParams,
        body: Type.Object({ role: Type.Optional(Role), disabled: Type.Optional(Type.Boolean()) }, { ...strict, minProperties: 1 }),
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { id } = request.params;
      const target = users.byId(id);
      if (!target) throw notFound('User');
      const { role, disabled } = request.body;
      const losesAdmin = target.role === 'admin' && !target.disabled && ((role !== undefined && role !== 'admin') || disabled === true);
      if (losesAdmin && users.otherActiveAdmins(id) === 0) throw conflict('This is the last active admin: make someone else an admin first');
      users.update(id, { role, disabled });
      if (disabled === true) sessions.endAllForUser(id, 'disabled');
      else if (role !== undefined && role !== target.role) sessions.endAllForUser(id, 'role-changed');
      if (role !== undefined && role !== target.role) {
        audit.record({ actor: request.principal, action: 'user.role-changed', target: `user:${id}`, ip: request.ip, detail: { from: target.role, to: role } });
      }
      if (disabled !== undefined && disabled !== target.disabled) {
        audit.record({ actor: request.principal, action: disabled ? 'user.disabled' : 'user.enabled', target: `user:${id}`, ip: request.ip });
      }
      return toView(users.byId(id)!);
    },
  );

  app.post(
    '/api/admin/users/:id/reset-link',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Make a one-time password reset link (valid 24 h)', params: IdParams, response: { 201: LinkView } },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!users.byId(id)) throw notFound('User');
      const p = request.principal;
      const { token, link } = links.create({ kind: 'reset', userId: id, createdBy: p.kind === 'user' ? p.id : 0, ttlMs: 24 * HOUR });
      audit.record({ actor: p, action: 'reset-link.created', target: `user:${id}`, ip: request.ip });
      return reply.code(201).send({ id: link.id, url: `${baseUrl(request, opts.publicUrl)}/reset#${token}`, expiresAt: link.expiresAt });
    },
  );

  app.get(
    '/api/admin/invites',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Invitations not yet used', response: { 200: Type.Object({ invites: Type.Array(InviteView) }) } },
    },
    async () => ({ invites: links.pendingInvites().map((l) => ({ id: l.id, role: l.role!, createdAt: l.createdAt, expiresAt: l.expiresAt })) }),
  );

  app.post(
    '/api/admin/invites',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Invite a family member (a one-time link)',
        body: Type.Object({ role: Role, expiresInHours: Type.Integer({ minimum: 1, maximum: 24 * 14, default: 72 }) }, strict),
        response: { 201: LinkView },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'user') throw new HttpError(401, 'Log in first');
      const { token, link } = links.create({ kind: 'invite', role: request.body.role, createdBy: p.id, ttlMs: request.body.expiresInHours * HOUR });
      audit.record({ actor: p, action: 'invite.created', target: `invite:${link.id}`, ip: request.ip, detail: { role: request.body.role } });
      return reply.code(201).send({ id: link.id, url: `${baseUrl(request, opts.publicUrl)}/invite#${token}`, expiresAt: link.expiresAt });
    },
  );

  app.delete(
    '/api/admin/invites/:id',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'Withdraw an unused invitation', params: IdParams },
    },
    async (request, reply) => {
      if (!links.revoke(request.params.id)) throw notFound('Unused invitation');
      audit.record({ actor: request.principal, action: 'invite.revoked', target: `invite:${request.params.id}`, ip: request.ip });
      return reply.code(204).send();
    },
  );
};
