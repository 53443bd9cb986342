import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ADMIN } from '../http/access.js';
import { strict } from '../accounts/schemas.js';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Type.Integer(),
  actorKind: Type.String(),
  actorId: Type.Union([Type.Integer(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/audit',
    {
      config: { access: ADMIN },
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ maxLength: 64, description: 'exact action, or a prefix ending in "." (e.g. "login.")' })),
            actorKind: Type.Optional(Type.String({ maxLength: 20 })),
            actorId: Type.Optional(Type.Integer({ minimum: 1 })),
            outcome: Type.Optional(Type.Union([Type.Literal('ok'), Type.Literal('denied'), Type.Literal('failed')])),
            since: Type.Optional(Type.Integer({ minimum: 0, description: 'ms since the epoch' })),
            until: Type.Optional(Type.Integer({ minimum: 0 })),
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'nextBefore of the previous page' })),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          },
          strict,
        ),
        response: { 200: Type.Object({ entries: Type.Array(Entry), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }) },
      },
    },
    async (request) => app.audit.query(request.query),
  );
};
