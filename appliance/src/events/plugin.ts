import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_EVENT_HUB, EventHub, type EventHubOptions } from './event-hub.js';
import { eventRoutes } from './routes.js';
import { relayDomainEvents } from './domain-relay.js';

declare module 'fastify' {
  interface FastifyInstance {
    events: EventHub;
  }
}

/** The SSE hub, fed from the domain bus (see domain-relay.ts), and its route. */
export const eventsPlugin = fp(
  async (app: FastifyInstance, opts: { version: string; hub?: Partial<EventHubOptions> }) => {
    const hub = new EventHub({ ...DEFAULT_EVENT_HUB, ...opts.hub });
    app.decorate('events', hub);
    const unsubscribe = relayDomainEvents(app.bus, hub);
    // preClose: open streams would otherwise keep `app.close()` waiting for their sockets.
    app.addHook('preClose', async () => {
      for (const off of unsubscribe) off();
      hub.close();
    });
    await app.register(eventRoutes, { hub, version: opts.version });
  },
  { name: 'hearth-events' },
);
