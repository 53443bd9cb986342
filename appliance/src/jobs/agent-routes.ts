import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ARTIFACT_NAME, MAX_ARTIFACT_BYTES, MODERATION_HEADER, type MediaModeration } from '@hearth/protocol';
import { HttpError, badRequest, conflict, notFound } from '../http/errors.js';
import type { MediaService } from '../media/media-service.js';
import { ARTIFACT_TYPES, isImage, sniffType } from '../media/sniff.js';
import type { ArtifactStore } from './artifact-store.js';
import type { JobService } from './job-service.js';
import type { JobRuns } from './job-runs.js';
import type { FastifyRequest } from 'fastify';
import { LIVE_STATUSES, type JobRow } from './job-store.js';

const AGENT = ['agent'] as const;
const MB = 1024 * 1024;

/**
 * What agents (device tokens of kind `agent`) use while running a job: the input media of a
 * live job, and artifact uploads — raw bodies streamed to disk, idempotent per attempt.
 */
export const agentRoutes: FastifyPluginAsyncTypebox<{
  jobs: JobService;
  runs: JobRuns;
  media: MediaService;
  artifacts: ArtifactStore;
  maxArtifactBytes?: number;
}> = async (app, opts) => {
  const { jobs, runs, media, artifacts } = opts;
  const maxBytes = opts.maxArtifactBytes ?? MAX_ARTIFACT_BYTES;
  const agentOf = (request: FastifyRequest): number => {
    if (request.principal.kind !== 'device') throw new HttpError(403, 'Only agents run jobs');
    return request.principal.id;
  };

  app.post(
    '/api/agent/jobs/:id/start',
    {
      config: { access: AGENT },
      schema: {
        tags: ['agent'],
        summary: 'Start an attempt of a job taken from the queue (binds the attempt to this agent)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        body: Type.Object({ attempt: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ attempt: Type.Integer() }) },
      },
    },
    async (request) => {
      await jobs.startAttempt(request.params.id, request.body.attempt, agentOf(request));
      return { attempt: request.body.attempt };
    },
  );

  app.get(
    '/api/agent/media/:id',
    {
      config: { access: AGENT },
      schema: {
        tags: ['agent'],
        summary: 'Input bytes of a media item that a job this agent started uses',
        params: Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{64}$' }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const row = media.get(request.params.id);
      // Missing and not-yours look the same: an agent learns nothing about other jobs' inputs.
      if (!row || !runs.agentRunsJobWith(agentOf(request), row.id)) throw notFound('Media item for a job this agent runs');
      return reply
        .type(row.content_type)
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(media.files.pathOf(row.file)));
    },
  );

  // Artifact bodies are streamed by the handler, never parsed or buffered.
  await app.register(async (plain) => {
    const uploads = plain.withTypeProvider<TypeBoxTypeProvider>();
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    uploads.put(
      '/api/agent/jobs/:id/artifacts/:name',
      {
        config: { access: AGENT },
        bodyLimit: maxBytes,
        schema: {
          tags: ['agent'],
          summary: 'Upload one artifact of one attempt (raw body; same attempt replaces, older attempt → 409)',
          params: Type.Object(
            { id: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ pattern: ARTIFACT_NAME.source }) },
            { additionalProperties: false },
          ),
          querystring: Type.Object({ attempt: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }),
        },
      },
      async (request, reply) => {
        const { id, name } = request.params;
        const { attempt } = request.query;
        const agentId = agentOf(request);
        const declared = String(request.headers['content-type'] ?? '')
          .split(';')[0]!
          .trim()
          .toLowerCase();
        if (!declared) throw new HttpError(415, 'Set the content-type of the artifact');
        const length = Number(request.headers['content-length'] ?? 0);
        if (length > maxBytes) throw new HttpError(413, `Artifacts are limited to ${Math.round(maxBytes / MB)} MB`);
        const header = request.headers[MODERATION_HEADER];
        if (header !== undefined && header !== 'safe' && header !== 'unsafe') throw badRequest(`headers.${MODERATION_HEADER} must be safe or unsafe`);

        const check = (row: JobRow | undefined): JobRow => {
          if (!row) throw notFound('Job');
          if (!LIVE_STATUSES.includes(row.status)) throw conflict(`Job ${id} is ${row.status}; artifacts are no longer accepted`);
          if (attempt < row.attempts) throw conflict(`Attempt ${attempt} is older than the job's current attempt ${row.attempts}`);
          // Only the agent that started this attempt writes into it; a later attempt must be started first.
          const owner = runs.owner(id, attempt);
          if (owner !== agentId)
            throw new HttpError(
              403,
              owner === null
                ? `Attempt ${attempt} of job ${id} has not been started by this agent`
                : `Attempt ${attempt} of job ${id} is being run by another agent`,
            );
          return row;
        };
        check(jobs.store.get(id));

        const staged = await media.files.stage(request.body as Readable, maxBytes);
        try {
          const type = await sniffType(staged.tempPath);
          if (!type || !(ARTIFACT_TYPES as readonly string[]).includes(type))
            throw new HttpError(415, `Artifacts must be ${ARTIFACT_TYPES.join(', ')}${type ? `; this one is ${type}` : ''}`);
          if (type !== declared) throw new HttpError(415, `The artifact was declared ${declared} but its bytes are ${type}`);
          if (isImage(type)) await media.imageSize(staged.tempPath);
          // The job may have been cancelled, or moved on to a later attempt, while the bytes arrived.
          check(jobs.store.get(id));
          await media.files.commit(staged);
          // Checked again right before the write, with no await between.
          check(jobs.store.get(id));
          artifacts.put({
            job_id: id,
            attempt,
            name,
            sha256: staged.sha256,
            content_type: type,
            bytes: staged.bytes,
            moderation: (header as MediaModeration | undefined) ?? 'pending',
            uploaded_at: Date.now(),
            agent_device_id: agentId,
          });
          return reply.code(201).send({ name, attempt, sha256: staged.sha256, bytes: staged.bytes, contentType: type });
        } finally {
          await media.files.discard(staged);
        }
      },
    );
  });
};
