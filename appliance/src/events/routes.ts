import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { EventClient, EventHub } from './event-hub.js';

/** `GET /api/events`: one text/event-stream per client, greeting with the appliance's version. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ hub: EventHub; version: string }> = async (app, { hub, version }) => {
  app.get(
    '/api/events',
    {
      config: { access: ['admin', 'member', 'child', 'kiosk'] },
      schema: { tags: ['events'], summary: 'Live events (server-sent events), filtered by who you are' },
    },
    async (request, reply) => {
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        // Reverse proxies (nginx) must not buffer the stream.
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      const client: EventClient = {
        principal: request.principal,
        backlog: () => res.writableLength,
        write: (chunk) => {
          res.write(chunk);
        },
        close: () => {
          res.end();
          request.raw.socket?.destroy();
        },
      };
      const remove = hub.add(client);
      res.write('retry: 3000\n\n');
      hub.sendTo(client, { type: 'hello', data: { version } });
      request.raw.on('close', remove);
    },
  );
};
