import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { MediaId, PipelineView } from '@hearth/protocol';
import { SIGNED_IN_USERS } from '../http/access.js';
import { HttpError } from '../http/errors.js';
import { ComicService } from './comic-service.js';
import { MAKE_COMIC, makeComicKind, makeComicSteps, type MakeComicInput } from './make-comic.js';
import { comicRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    comics: ComicService;
  }
}

const HOUR_MS = 3600_000;

/** "Make the whole comic for me": one pipeline over the saved comic. */
const makeRoute: FastifyPluginAsyncTypebox<{ comics: ComicService }> = async (app, { comics }) => {
  app.post(
    '/api/comics/:id/make',
    {
      config: { access: SIGNED_IN_USERS },
      schema: {
        tags: ['comics'],
        summary: 'Make the whole comic (dialogue, pictures for empty panels, then the page), or only its dialogue or pictures: a pipeline',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        body: Type.Object(
          {
            only: Type.Union([Type.Literal('all'), Type.Literal('dialogue'), Type.Literal('pictures')], {
              default: 'all',
              description: 'the whole comic, or one helper',
            }),
            panelIds: Type.Optional(
              Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), { minItems: 1, maxItems: 72, description: 'draw these panels (again)' }),
            ),
            pictures: Type.Union([Type.Literal('generate'), Type.Literal('photos')], { description: 'draw with ComfyUI, or give photos a comic look' }),
            photoIds: Type.Array(MediaId, { maxItems: 12, default: [] }),
            replaceTyped: Type.Boolean({ default: false, description: 'also replace bubbles someone typed' }),
            tone: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 202: PipelineView },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'user') throw new HttpError(403, 'Only family members make comics');
      const row = comics.editable(p, request.params.id);
      const content = comics.store.content(row);
      const input: MakeComicInput = { comicId: row.id, ...request.body };
      const steps = makeComicSteps(content, input);
      const view = app.pipelines.create(
        p,
        {
          kind: MAKE_COMIC,
          title: `${input.only === 'all' ? 'Make' : input.only === 'dialogue' ? 'Dialogue for' : 'Pictures for'} “${row.title}”`.slice(0, 120),
          subject: `comic:${row.id}`,
          input,
          steps,
        },
        (id) =>
          app.audit.record({
            actor: p,
            action: 'comics.make-started',
            target: `comic:${row.id}`,
            ip: request.ip,
            detail: { pipeline: id, pictures: input.pictures },
          }),
      );
      return reply.code(202).send(view);
    },
  );
};

/** Comics: documents, rendering through jobs, the trash, and the "make it for me" pipeline. */
export const comicsPlugin = fp(
  async (app: FastifyInstance, opts: { log: Logger }) => {
    const comics = new ComicService({ db: app.db, audit: app.audit, media: app.media, jobs: app.jobs });
    app.decorate('comics', comics);
    app.pipelines.register(makeComicKind(comics, app.media));
    app.jobChanges.on(() => comics.publishFinishedRenders());
    app.accountExport.add('comics', (userId) => comics.store.idsOwnedBy(userId).map((id) => comics.view(comics.store.get(id)!)));

    const purge = () => {
      const gone = comics.purgeTrash();
      if (gone.length) opts.log.info({ comics: gone }, 'comics purged from the trash after 30 days');
    };
    const timer = setInterval(purge, HOUR_MS);
    timer.unref();
    app.addHook('onReady', async () => purge());
    app.addHook('onClose', async () => clearInterval(timer));

    await app.register(comicRoutes, { comics, media: app.media });
    await app.register(makeRoute, { comics });
  },
  { name: 'hearth-comics', dependencies: ['hearth-pipelines', 'hearth-media', 'hearth-jobs'] },
);
