import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';

const Check = Type.Object({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });

export const healthRoutes: FastifyPluginAsyncTypebox<{ version: string }> = async (app, opts) => {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) } },
    },
    async () => ({ status: 'ok' as const, version: opts.version }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'SQLite, Redis and MQTT are reachable',
        response: {
          200: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Check) }),
          503: Type.Object({ ready: Type.Boolean(), checks: Type.Record(Type.String(), Check) }),
        },
      },
    },
    async (_request, reply) => {
      const result = await app.readiness.evaluate();
      return reply.code(result.ready ? 200 : 503).send(result);
    },
  );
};
