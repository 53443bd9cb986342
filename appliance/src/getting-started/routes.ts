import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { GettingStartedView } from '@hearth/protocol';
import { ADMIN } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import { Checklist } from './checklist.js';

/** `GET /api/admin/getting-started` and hiding / showing it again, for admins. */
export const gettingStartedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const checklist = new Checklist(app.db, app.knownAgents, app.settings);
  const adminId = (p: { kind: string; id?: number }) => {
    if (p.kind !== 'user' || p.id === undefined) throw new HttpError(403, 'Only admins have a checklist');
    return p.id;
  };

  app.get(
    '/api/admin/getting-started',
    {
      config: { access: ADMIN },
      schema: { tags: ['admin'], summary: 'The first-run checklist, derived from what is set up', response: { 200: GettingStartedView } },
    },
    async (request) => checklist.view(adminId(request.principal)),
  );

  app.put(
    '/api/admin/getting-started',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'Hide or show the checklist for yourself',
        body: Type.Object({ dismissed: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: GettingStartedView },
      },
    },
    async (request) => {
      const id = adminId(request.principal);
      app.audit.record({
        actor: request.principal,
        action: 'checklist.dismissed',
        target: `user:${id}`,
        ip: request.ip,
        detail: { dismissed: request.body.dismissed },
      });
      checklist.setDismissed(id, request.body.dismissed);
      return checklist.view(id);
    },
  );
};
