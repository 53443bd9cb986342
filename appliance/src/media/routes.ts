import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { MEDIA_PRIVACY, MediaPrivacyName, MediaView, type MediaPrivacy } from '@hearth/protocol';
import { HttpError, badRequest, invalidField, notFound } from '../http/errors.js';
import { diskFull, isDiskFull } from '../http/disk-full.js';
import type { MediaService } from './media-service.js';
import type { StagedFile } from './media-files.js';
import { toMediaView } from './media-repo.js';
import { THUMBNAIL_SIZES, type ThumbnailSize } from './thumbnails.js';
import { canManage, canSee } from './visibility.js';

const MediaIdParam = Type.Object({ id: Type.String({ pattern: '^[a-f0-9]{64}$' }) }, { additionalProperties: false });
const VIEWERS = ['admin', 'member', 'child', 'kiosk'] as const;

/** The gallery's HTTP routes: upload, list, bytes, thumbnails, privacy, delete. */
export const mediaRoutes: FastifyPluginAsyncTypebox<{ media: MediaService }> = async (app, { media }) => {
  await app.register(multipart, {
    limits: { fileSize: media.limits.uploadBytes, files: 1, fields: 2, fieldSize: 64, parts: 3, headerPairs: 100 },
  });

  app.post(
    '/api/media',
    {
      config: { access: ['admin', 'member', 'child'] },
      bodyLimit: media.limits.uploadBytes + 64 * 1024,
      schema: { tags: ['media'], summary: 'Upload a picture (multipart: field "file", optional field "privacy")', consumes: ['multipart/form-data'] },
    },
    async (request, reply) => {
      if (!request.isMultipart()) throw new HttpError(415, 'Send the picture as multipart/form-data with a field named "file"');
      const principal = request.principal;
      if (principal.kind !== 'user') throw new HttpError(403, 'Only people upload pictures');
      let privacy: MediaPrivacy | undefined;
      let staged: StagedFile | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') throw badRequest(`body has an unknown file field "${part.fieldname}"; use "file"`);
            staged = await media.files.stage(part.file, media.limits.uploadBytes);
            if (part.file.truncated) throw new HttpError(413, `The file is larger than ${Math.round(media.limits.uploadBytes / 1024 / 1024)} MB`);
          } else if (part.fieldname === 'privacy') {
            const value = String(part.value);
            if (!(MEDIA_PRIVACY as readonly string[]).includes(value))
              throw invalidField({
                message: `body.privacy must be one of ${MEDIA_PRIVACY.join(', ')}`,
                field: 'privacy',
                code: 'one-of',
                params: { allowed: MEDIA_PRIVACY.join(', ') },
              });
            privacy = value as MediaPrivacy;
          } else {
            throw badRequest(`body has an unknown field "${part.fieldname}"`);
          }
        }
      } catch (err) {
        if (staged) await media.files.discard(staged);
        const code = (err as { code?: string }).code;
        if (code === 'FST_REQ_FILE_TOO_LARGE') throw new HttpError(413, `The file is larger than ${Math.round(media.limits.uploadBytes / 1024 / 1024)} MB`);
        if (code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT')
          throw badRequest('Send one file and at most a privacy field');
        if (isDiskFull(err)) throw diskFull('the picture');
        // Anything else the multipart parser throws (no boundary, a cut-off body) is the request's fault.
        if (!(err instanceof HttpError) && !(err as { statusCode?: number }).statusCode)
          throw badRequest(`body is not valid multipart/form-data: ${(err as Error).message}`);
        throw err;
      }
      if (!staged) throw invalidField({ message: 'body.file is required', field: 'file', code: 'required' });
      const { view, created } = await media.addUpload(principal, staged, privacy);
      if (created)
        app.audit.record({
          actor: principal,
          action: 'media.uploaded',
          target: `media:${view.id}`,
          ip: request.ip,
          detail: { privacy: view.privacy, bytes: view.bytes },
        });
      return reply.code(created ? 201 : 200).send(view);
    },
  );

  app.get(
    '/api/media',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['media'],
        summary: 'Media you may see, newest first',
        querystring: Type.Object(
          {
            scope: Type.Union([Type.Literal('mine'), Type.Literal('family'), Type.Literal('kiosk')], { default: 'family' }),
            kind: Type.Optional(Type.Union([Type.Literal('photos'), Type.Literal('comics'), Type.Literal('animations')])),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.String({ pattern: '^[a-f0-9]{64}$' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ media: Type.Array(MediaView), nextBefore: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { rows, nextBefore } = media.repo.list(request.principal, request.query);
      return { media: rows.map((r) => ({ ...toMediaView(r), ...media.repo.jobLabel(r.job_id) })), nextBefore };
    },
  );

  const visible = (id: string, principal: Parameters<typeof canSee>[0]) => {
    const row = media.get(id);
    // Hidden and missing look the same: nobody learns what exists by probing ids.
    if (!row || !canSee(principal, row)) throw notFound('Media item');
    return row;
  };

  app.get(
    '/api/media/:id',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['media'],
        summary: 'The bytes of a media item',
        params: MediaIdParam,
        querystring: Type.Object(
          { download: Type.Optional(Type.Union(['1', '0', 'true', 'false'].map((v) => Type.Literal(v)))) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const row = visible(request.params.id, request.principal);
      reply.type(row.content_type).header('cache-control', 'private, max-age=3600').header('etag', `"${row.id}"`).header('x-content-type-options', 'nosniff');
      if (request.query.download === '1' || request.query.download === 'true')
        reply.header('content-disposition', `attachment; filename="hearth-${row.id.slice(0, 12)}.${row.content_type.split('/')[1]}"`);
      return reply.send(createReadStream(media.files.pathOf(row.file)));
    },
  );

  app.get(
    '/api/media/:id/thumbnail',
    {
      config: { access: VIEWERS },
      schema: {
        tags: ['media'],
        summary: 'A WebP thumbnail (longest side = size)',
        params: MediaIdParam,
        querystring: Type.Object(
          {
            size: Type.Union(
              THUMBNAIL_SIZES.map((s) => Type.Literal(s)),
              { default: 256 },
            ),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const row = visible(request.params.id, request.principal);
      if (!media.canThumbnail(row)) throw notFound('Thumbnail');
      const path = await media.thumbnails.get(media.files.pathOf(row.file), row.file, request.query.size as ThumbnailSize);
      return reply.type('image/webp').header('cache-control', 'private, max-age=86400').send(createReadStream(path));
    },
  );

  app.patch(
    '/api/media/:id',
    {
      config: { access: ['admin', 'member', 'child'] },
      schema: {
        tags: ['media'],
        summary: 'Change who sees a media item',
        params: MediaIdParam,
        body: Type.Object({ privacy: MediaPrivacyName }, { additionalProperties: false }),
        response: { 200: MediaView },
      },
    },
    async (request) => {
      const row = visible(request.params.id, request.principal);
      if (!canManage(request.principal, row)) throw new HttpError(403, 'Only its owner or an admin can change this');
      const after = media.setPrivacy(row, request.body.privacy);
      app.audit.record({
        actor: request.principal,
        action: 'media.privacy_changed',
        target: `media:${row.id}`,
        ip: request.ip,
        detail: { from: row.privacy, to: after.privacy },
      });
      return toMediaView(after);
    },
  );

  app.delete(
    '/api/media/:id',
    {
      config: { access: ['admin', 'member', 'child'] },
      schema: { tags: ['media'], summary: 'Delete a media item', params: MediaIdParam },
    },
    async (request, reply) => {
      const row = visible(request.params.id, request.principal);
      if (!canManage(request.principal, row)) throw new HttpError(403, 'Only its owner or an admin can delete this');
      await media.delete(row);
      app.audit.record({
        actor: request.principal,
        action: 'media.deleted',
        target: `media:${row.id}`,
        ip: request.ip,
        detail: { owner: row.owner_id, privacy: row.privacy },
      });
      return reply.code(204).send();
    },
  );
};
