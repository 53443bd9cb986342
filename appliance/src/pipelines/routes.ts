import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PipelineView } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import type { PipelineService } from './pipeline-service.js';

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });

/** Following, cancelling and retrying pipelines; each kind creates its own (e.g. POST /api/comics/:id/make). */
export const pipelineRoutes: FastifyPluginAsyncTypebox<{ pipelines: PipelineService }> = async (app, { pipelines }) => {
  app.get(
    '/api/pipelines',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['pipelines'],
        summary: 'Pipelines working on one subject (e.g. comic:12), newest first',
        querystring: Type.Object({ subject: Type.String({ minLength: 1, maxLength: 80 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ pipelines: Type.Array(PipelineView) }) },
      },
    },
    async (request) => ({
      pipelines: pipelines.store
        .bySubject(request.query.subject)
        .filter((r) => pipelines.canSee(request.principal, r))
        .map((r) => pipelines.view(r)),
    }),
  );

  app.get(
    '/api/pipelines/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['pipelines'], summary: 'A pipeline and its steps, with the progress of the whole', params: IdParam, response: { 200: PipelineView } },
    },
    async (request) => pipelines.view(pipelines.viewable(request.principal, request.params.id)),
  );

  app.post(
    '/api/pipelines/:id/cancel',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['pipelines'], summary: 'Cancel a pipeline and its queued and running steps', params: IdParam, response: { 200: PipelineView } },
    },
    async (request) => {
      pipelines.viewable(request.principal, request.params.id);
      app.audit.record({ actor: request.principal, action: 'pipelines.cancelled', target: `pipeline:${request.params.id}`, ip: request.ip });
      return pipelines.cancel(request.principal, request.params.id);
    },
  );

  app.post(
    '/api/pipelines/:id/steps/:key/retry',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['pipelines'],
        summary: 'Run one failed step again, keeping what the others made',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }), key: Type.String({ pattern: '^[A-Za-z0-9_:-]{1,64}$' }) }, { additionalProperties: false }),
        response: { 200: PipelineView },
      },
    },
    async (request) => {
      pipelines.viewable(request.principal, request.params.id);
      app.audit.record({
        actor: request.principal,
        action: 'pipelines.step-retried',
        target: `pipeline:${request.params.id}`,
        ip: request.ip,
        detail: { step: request.params.key },
      });
      return pipelines.retryStep(request.principal, request.params.id, request.params.key);
    },
  );
};
