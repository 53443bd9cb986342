import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { JOB_TYPES, JOB_TYPE_NAMES, JobStatusName, JobTypeInfo, JobView, MediaView, QuotaView, SafeName } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import type { JobService } from './job-service.js';
import { roleMaySubmit } from './job-policy.js';

const JobIdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });

/** Jobs as people see them: submit, list, follow, cancel, retry, and the daily quota. */
export const jobRoutes: FastifyPluginAsyncTypebox<{ jobs: JobService }> = async (app, { jobs }) => {
  app.get(
    '/api/job-types',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['jobs'],
        summary: 'Job types you may submit, the JSON schema of their input, and whether a computer can run them now',
        response: { 200: Type.Object({ types: Type.Array(JobTypeInfo) }) },
      },
    },
    async (request) => {
      const role = request.principal.kind === 'user' ? request.principal.role : 'child';
      return {
        types: JOB_TYPE_NAMES.filter((t) => roleMaySubmit(role, t)).map((type) => ({
          type,
          title: (JOB_TYPES[type].input as { title?: string }).title ?? type,
          capability: JOB_TYPES[type].capability,
          inputSchema: JOB_TYPES[type].input,
          readiness: jobs.readiness(JOB_TYPES[type].capability),
        })),
      };
    },
  );

  app.post(
    '/api/jobs',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['jobs'],
        summary: 'Submit a job',
        body: Type.Object(
          {
            type: Type.String({ minLength: 1, maxLength: 40 }),
            input: Type.Record(Type.String(), Type.Unknown()),
            title: Type.Optional(SafeName({ maxLength: 120 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: JobView },
      },
    },
    async (request, reply) => {
      const job = await jobs.submit(request.principal, request.body, {
        alongside: (row) =>
          app.audit.record({ actor: request.principal, action: 'jobs.created', target: `job:${row.id}`, ip: request.ip, detail: { type: row.type } }),
      });
      return reply.code(201).send(job);
    },
  );

  app.get(
    '/api/jobs',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['jobs'],
        summary: 'Jobs, newest first',
        querystring: Type.Object(
          {
            scope: Type.Union([Type.Literal('mine'), Type.Literal('all')], { default: 'mine' }),
            status: Type.Optional(JobStatusName),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ jobs: Type.Array(JobView), nextBefore: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const p = request.principal;
      if (p.kind !== 'user') throw new HttpError(403, 'Only people list jobs');
      if (request.query.scope === 'all' && p.role !== 'admin') throw new HttpError(403, "Only admins can list everyone's jobs");
      const { rows, nextBefore } = jobs.store.list({
        ownerId: request.query.scope === 'all' ? undefined : p.id,
        status: request.query.status,
        before: request.query.before,
        limit: request.query.limit,
      });
      return { jobs: rows.map((r) => jobs.view(r)), nextBefore };
    },
  );

  app.get(
    '/api/jobs/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['jobs'], summary: 'One job', params: JobIdParam, response: { 200: JobView } },
    },
    async (request) => jobs.view(jobs.viewable(request.principal, request.params.id)),
  );

  app.get(
    '/api/jobs/:id/media',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['jobs'],
        summary: 'The result items of a job that you may see (a PDF with its page count)',
        params: JobIdParam,
        response: { 200: Type.Object({ media: Type.Array(Type.Object({ item: MediaView, pages: Type.Union([Type.Integer(), Type.Null()]) })) }) },
      },
    },
    async (request) => ({ media: await jobs.resultMedia(request.principal, jobs.viewable(request.principal, request.params.id)) }),
  );

  app.post(
    '/api/jobs/:id/cancel',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['jobs'], summary: 'Cancel a queued or running job', params: JobIdParam, response: { 200: JobView } },
    },
    async (request) => {
      const job = await jobs.cancel(request.principal, request.params.id);
      app.audit.record({ actor: request.principal, action: 'jobs.cancelled', target: `job:${job.id}`, ip: request.ip });
      return job;
    },
  );

  app.post(
    '/api/jobs/:id/retry',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['jobs'], summary: 'Run a failed or cancelled job again', params: JobIdParam, response: { 200: JobView } },
    },
    async (request) => {
      const job = await jobs.retry(request.principal, request.params.id);
      app.audit.record({ actor: request.principal, action: 'jobs.retried', target: `job:${job.id}`, ip: request.ip, detail: { attempt: job.attempts } });
      return job;
    },
  );

  app.get(
    '/api/quota',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['jobs'], summary: 'Your jobs today and your daily limit', response: { 200: QuotaView } },
    },
    async (request) => {
      if (request.principal.kind !== 'user') throw new HttpError(403, 'Only people have quotas');
      return jobs.quota(request.principal);
    },
  );
};
