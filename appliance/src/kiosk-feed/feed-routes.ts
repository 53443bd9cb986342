import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { KioskFeed, type JobView } from '@hearth/protocol';
import { HttpError } from '../http/errors.js';
import type { KioskControl } from './kiosk-control.js';
import type { PresenceMachine } from './presence.js';
import { currentLayout } from './kiosk-settings.js';

/** `GET /api/kiosk/feed`: everything a paired wall display needs to draw itself from scratch. */
export const feedRoutes: FastifyPluginAsyncTypebox<{
  control: KioskControl;
  presence: PresenceMachine;
  version: string;
  build: () => string | null;
  jobs: () => JobView[];
}> = async (app, opts) => {
  app.get(
    '/api/kiosk/feed',
    {
      config: { access: ['kiosk'] },
      schema: { tags: ['kiosk'], summary: 'Layout, control state and first data for the wall display', response: { 200: KioskFeed } },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'device') throw new HttpError(403, 'Only a paired wall display reads its feed');
      const csrfToken = app.sessions.csrfToken(request);
      // A bearer-token kiosk has no cookie session and so needs no CSRF token.
      reply.header('cache-control', 'no-store');
      return {
        kiosk: { id: p.id, name: p.name },
        version: opts.version,
        build: opts.build(),
        layout: currentLayout(app.settings),
        control: opts.control.get(),
        presence: opts.presence.get(),
        csrfToken: csrfToken ?? '',
        jobs: opts.jobs(),
        agents: app.hasDecorator('agents') ? app.agents.list() : undefined,
      };
    },
  );
};
