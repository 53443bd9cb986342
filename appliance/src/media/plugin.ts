import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { MediaFiles } from './media-files.js';
import { MediaRepo } from './media-repo.js';
import { DEFAULT_MEDIA_LIMITS, MediaService, type MediaLimits } from './media-service.js';
import { mediaRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    media: MediaService;
  }
}

/** The family gallery (`app.media`) and its routes. */
export const mediaPlugin = fp(
  async (app: FastifyInstance, opts: { dataDir: string; log: Logger; limits?: Partial<MediaLimits> }) => {
    const repo = new MediaRepo(app.db);
    const files = new MediaFiles(opts.dataDir);
    const media = new MediaService(repo, files, app.bus, { ...DEFAULT_MEDIA_LIMITS, ...opts.limits }, opts.dataDir);
    app.decorate('media', media);
    app.accountExport.add('media', (userId) => repo.exportFor(userId));
    // Files of deleted accounts and replaced artifacts: nothing points at them any more.
    app.addHook('onReady', async () => {
      const removed = await files.sweep(repo.referencedIds()).catch((err: Error) => {
        opts.log.warn({ err: err.message }, 'media sweep failed');
        return 0;
      });
      if (removed) opts.log.info({ removed }, 'removed media files nothing refers to');
    });
    await app.register(mediaRoutes, { media });
  },
  { name: 'hearth-media' },
);
