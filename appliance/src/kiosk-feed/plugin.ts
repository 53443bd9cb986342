import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { isKiosk } from '../events/audiences.js';
import { KioskControl } from './kiosk-control.js';
import { PairingCodes } from './pairing-codes.js';
import { KioskJobRelay } from './job-relay.js';
import { currentLayout } from './kiosk-settings.js';
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
}

/** The wall display: pairing, layout, control state, its feed, and its page at /kiosk. */
export const kioskFeedPlugin = fp(async (app: FastifyInstance, opts: KioskFeedOptions) => {
  const codes = new PairingCodes(app.db, app.settings.get().secrets.sessionSecret);
  const control = new KioskControl(app.settings);
  const distDir = opts.distDir ?? DEFAULT_KIOSK_DIST;
  app.decorate('kioskControl', control);

  const offControl = control.onChange((state) => app.bus.emit('kiosk.controlChanged', state));
  // Walls redraw at once when an admin saves a new layout (the kiosk section also holds the control state).
  let layout = JSON.stringify(currentLayout(app.settings));
  const offLayout = app.bus.on('settings.changed', ({ section }) => {
    if (section !== 'kiosk') return;
    const next = currentLayout(app.settings);
    if (JSON.stringify(next) === layout) return;
    layout = JSON.stringify(next);
    app.bus.emit('kiosk.layoutChanged', { layout: next });
  });

  // Without the jobs capability (tests of the kiosk alone) the jobs tile simply stays empty.
  const relay = new KioskJobRelay(app.bus, (job) => app.events.publish({ type: 'job', data: job }, isKiosk));
  relay.start(app.hasDecorator('jobs') ? app.jobs.live() : []);
  app.addHook('onClose', async () => {
    relay.stop();
    offControl();
    offLayout();
  });

  const sweep = setInterval(() => codes.sweep(), 3600_000);
  sweep.unref();
  app.addHook('onClose', async () => clearInterval(sweep));

  await app.register(pairingRoutes, { codes, publicUrl: opts.publicUrl });
  await app.register(layoutRoutes, { control });
  await app.register(feedRoutes, { control, version: opts.version, build: kioskBuildId(distDir), jobs: () => relay.list() });
  await app.register(kioskStatic, { distDir });
}, { name: 'hearth-kiosk-feed', dependencies: ['hearth-events'] });
