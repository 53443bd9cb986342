import fp from 'fastify-plugin';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { isAdmin, isKiosk } from '../events/audiences.js';
import { KioskControl } from './kiosk-control.js';
import { PairingCodes } from './pairing-codes.js';
import { DeviceStreams } from './stream-registry.js';
import { KioskJobRelay } from './job-relay.js';
import { pairingRoutes } from './pairing-routes.js';
import { layoutRoutes } from './layout-routes.js';
import { feedRoutes } from './feed-routes.js';
import { DEFAULT_KIOSK_DIST, kioskBuildId, kioskStatic } from './kiosk-static.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The wall display's `{ nightMode, page }`: `set()` is the one way to change it (HTTP, MQTT). */
    kioskControl: KioskControl;
  }
}

export interface KioskFeedOptions {
  version: string;
  publicUrl: string | undefined;
  /** The built kiosk (default kiosk/dist). */
  distDir?: string;
  /** How often the job relay looks at live jobs (tests speed it up). */
  jobRelayMs?: number;
}

/** The wall display: pairing, layout, control state, its feed, and its page at /kiosk. */
export const kioskFeedPlugin = fp(async (app: FastifyInstance, opts: KioskFeedOptions) => {
  const codes = new PairingCodes(app.db, app.settings.get().secrets.sessionSecret);
  const control = new KioskControl(app.settings);
  const streams = new DeviceStreams();
  const distDir = opts.distDir ?? DEFAULT_KIOSK_DIST;
  app.decorate('kioskControl', control);

  control.onChange((state) => app.events.publish({ type: 'kiosk.control', data: state }, (p) => isKiosk(p) || isAdmin(p)));

  // Revoking a kiosk in the admin page must blank it now, not at its next reconnect.
  app.addHook('preHandler', async (request) => {
    const p = request.principal;
    if (request.routeOptions.url === '/api/events' && p?.kind === 'device' && p.deviceKind === 'kiosk') {
      streams.add(p.id, request.raw.socket as Socket);
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'DELETE' && request.routeOptions.url === '/api/admin/devices/:id' && reply.statusCode === 204) {
      streams.cut(Number((request.params as { id: number }).id));
    }
  });

  // Without the jobs capability (tests of the kiosk alone) the jobs tile simply stays empty.
  const relay = app.hasDecorator('jobs')
    ? new KioskJobRelay(app.jobs.store, (job) => app.events.publish({ type: 'job', data: job }, isKiosk), opts.jobRelayMs)
    : undefined;
  relay?.start();
  app.addHook('onClose', async () => relay?.stop());

  const sweep = setInterval(() => {
    try {
      codes.sweep();
    } catch (err) {
      app.log.warn({ err: (err as Error).message }, 'could not sweep used pairing codes; will try again');
    }
  }, 3600_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  await app.register(pairingRoutes, { codes, publicUrl: opts.publicUrl });
  await app.register(layoutRoutes, { control });
  await app.register(feedRoutes, { control, version: opts.version, build: kioskBuildId(distDir), jobs: () => relay?.list() ?? [] });
  await app.register(kioskStatic, { distDir });
}, { name: 'hearth-kiosk-feed', dependencies: ['hearth-events'] });
