import { createReadStream } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { COMIC_LAYOUT_NAMES, ComicContent, ComicSave, ComicSummary, ComicView, JobView, type Principal } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import type { MediaService } from '../media/media-service.js';
import { etagOf, type ComicService } from './comic-service.js';

const IdParam = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
const Problem = Type.Object({ statusCode: Type.Integer(), error: Type.String(), message: Type.String() });
/** A comic document is larger than the appliance's usual JSON limit. */
const COMIC_BODY_LIMIT = 512 * 1024;

/** The comics API: documents with ETags, the trash, rendering and exports. */
export const comicRoutes: FastifyPluginAsyncTypebox<{ comics: ComicService; media: MediaService }> = async (app, { comics, media }) => {
  const actor = (request: { principal: Principal; ip: string }) => ({ principal: request.principal, ip: request.ip });

  app.get(
    '/api/comics',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['comics'],
        summary: "Comics: yours, the family's shared ones, or the trash",
        querystring: Type.Object(
          {
            scope: Type.Union([Type.Literal('mine'), Type.Literal('family'), Type.Literal('trash')], { default: 'mine' }),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            before: Type.Optional(Type.Integer({ minimum: 1 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ comics: Type.Array(ComicSummary) }) },
      },
    },
    async (request) => ({ comics: comics.list(request.principal, request.query.scope, request.query.limit, request.query.before) }),
  );

  app.post(
    '/api/comics',
    {
      config: { access: SIGNED_IN_USERS },
      bodyLimit: COMIC_BODY_LIMIT,
      schema: {
        tags: ['comics'],
        summary: 'Create a comic: a title alone makes an empty one-page comic',
        body: Type.Union([
          Type.Object(
            { title: Type.String({ minLength: 1, maxLength: 120 }), layout: Type.Optional(Type.Union(COMIC_LAYOUT_NAMES.map((l) => Type.Literal(l)))) },
            { additionalProperties: false },
          ),
          ComicContent,
        ]),
        response: { 201: ComicView },
      },
    },
    async (request, reply) => {
      const view = comics.create(actor(request), request.body);
      return reply.code(201).header('etag', etagOf(view)).send(view);
    },
  );

  app.get(
    '/api/comics/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['comics'], summary: 'One comic, with its ETag', params: IdParam, response: { 200: ComicView } },
    },
    async (request, reply) => {
      const view = comics.view(comics.viewable(request.principal, request.params.id));
      return reply.header('etag', etagOf(view)).header('cache-control', 'no-store').send(view);
    },
  );

  app.put(
    '/api/comics/:id',
    {
      config: { access: SIGNED_IN_USERS },
      bodyLimit: COMIC_BODY_LIMIT,
      schema: {
        tags: ['comics'],
        summary: 'Save a comic over the version its ETag names (If-Match); 412 with the current comic when someone saved first',
        params: IdParam,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 100 })) }),
        body: ComicSave,
        response: { 200: ComicView, 412: Type.Composite([Problem, Type.Object({ current: ComicView })]) },
      },
    },
    async (request, reply) => {
      const outcome = comics.save(actor(request), request.params.id, request.headers['if-match'], contentOf(request.body));
      if (!outcome.ok) {
        return reply
          .code(412)
          .header('etag', etagOf(outcome.current))
          .send({
            statusCode: 412,
            error: 'Precondition Failed',
            message: `Someone saved this comic after you opened it (it is now at version ${outcome.current.version}); choose which to keep`,
            current: outcome.current,
          });
      }
      return reply.header('etag', etagOf(outcome.view)).send(outcome.view);
    },
  );

  app.delete(
    '/api/comics/:id',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['comics'], summary: 'Move a comic to the trash (kept 30 days)', params: IdParam, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      comics.remove(actor(request), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/comics/:id/restore',
    {
      config: { access: SIGNED_IN_USERS },
      schema: { tags: ['comics'], summary: 'Take a comic back out of the trash', params: IdParam, response: { 200: ComicView } },
    },
    async (request, reply) => {
      const view = comics.restore(actor(request), request.params.id);
      return reply.header('etag', etagOf(view)).send(view);
    },
  );

  app.post(
    '/api/comics/:id/render',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['comics'],
        summary: 'Draw the saved comic: page PNGs, a PDF (A4, 300 dpi) and a CBZ, as a job',
        params: IdParam,
        response: { 202: JobView },
      },
    },
    async (request, reply) => reply.code(202).send(await comics.render(actor(request), request.params.id)),
  );

  app.get(
    '/api/comics/:id/export',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['comics'],
        summary: 'The latest drawing of a comic as a page PNG, the PDF or a CBZ',
        params: IdParam,
        querystring: Type.Object(
          {
            format: Type.Union([Type.Literal('png'), Type.Literal('pdf'), Type.Literal('cbz')]),
            page: Type.Integer({ minimum: 1, maximum: 99, default: 1 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const file = comics.exportFile(request.principal, request.params.id, request.query.format, request.query.page);
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .header('x-comic-version', String(file.version))
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(media.files.pathOf(file.mediaId)));
    },
  );
};

/** The editable part of what PUT received; the server's own fields are ignored. */
function contentOf(body: ComicSave): ComicContent {
  const { title, premise, privacy, characters, pages } = body;
  return { title, premise, privacy, characters, pages };
}
