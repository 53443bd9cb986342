import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { isKiosk } from '../events/audiences.js';
import { KioskControl } from './kiosk-control.js';
import { PairingCodes } from './pairing-codes.js';
import { PresenceMachine, systemClock, type PresenceClock } from './presence.js';
import { Doorbell } from './doorbell.js';
import { cameraRoutes } from './camera-routes.js';
import { calendarRoutes } from './calendar-routes.js';
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
    /** Awake, photo frame or dark: presence sensors, HA's switch and wake button meet here. */
    kioskPresence: PresenceMachine;
  }
}

export interface KioskFeedOptions {
  version: string;
  publicUrl: string | undefined;
  /** The built kiosk (default kiosk/dist). */
  distDir?: string;
  /** Time for the presence timers (tests inject a fake one). */
  clock?: PresenceClock;
}

/** The wall display: pairing, layout, control state, its feed, and its page at /kiosk. */
export const kioskFeedPlugin = fp(
  async (app: FastifyInstance, opts: KioskFeedOptions) => {
    const codes = new PairingCodes(app.db, app.settings.get().secrets.sessionSecret);
    const control = new KioskControl(app.settings);
    const distDir = opts.distDir ?? DEFAULT_KIOSK_DIST;
    app.decorate('kioskControl', control);
    const presence = new PresenceMachine(opts.clock ?? systemClock, (state) => app.bus.emit('kiosk.presenceChanged', state));
    presence.configure(currentLayout(app.settings).presence);
    app.decorate('kioskPresence', presence);
    const isOn = (state: string) => state === 'on';
    // The doorbell wakes the wall and shows its camera.
    const doorbell = new Doorbell((camera) => {
      presence.wake();
      app.bus.emit('kiosk.doorbell', camera);
    });
    doorbell.configure(currentLayout(app.settings).doorbell);
    const offSensors = app.bus.on('ha.stateChanged', ({ state }) => {
      if (presence.watches(state.entityId)) presence.sensor(state.entityId, isOn(state.state));
      doorbell.state(state.entityId, state.state);
    });
    // HA's state changes arrive as they happen; what the sensors say when the link (re)connects is read once.
    const syncSensors = () => {
      if (!app.hasDecorator('homeAssistant')) return;
      for (const id of currentLayout(app.settings).presence?.entityIds ?? []) {
        const entity = app.homeAssistant.entity(id);
        if (entity) presence.sensor(id, isOn(entity.state));
      }
    };
    const onLinkStatus = (s: { state: string }) => {
      if (s.state === 'connected') syncSensors();
    };
    app.addHook('onReady', async () => {
      if (app.hasDecorator('homeAssistant')) app.homeAssistant.on('status', onLinkStatus);
      syncSensors();
    });
    app.addHook('onClose', async () => {
      if (app.hasDecorator('homeAssistant')) app.homeAssistant.off('status', onLinkStatus);
    });

    const offControl = control.onChange((state) => app.bus.emit('kiosk.controlChanged', state));
    // Walls redraw at once when an admin saves a new layout (the kiosk section also holds the control state).
    let layout = JSON.stringify(currentLayout(app.settings));
    const offLayout = app.bus.on('settings.changed', ({ section }) => {
      if (section !== 'kiosk') return;
      const next = currentLayout(app.settings);
      if (JSON.stringify(next) === layout) return;
      layout = JSON.stringify(next);
      presence.configure(next.presence);
      doorbell.configure(next.doorbell);
      syncSensors();
      app.bus.emit('kiosk.layoutChanged', { layout: next });
    });

    // Without the jobs capability (tests of the kiosk alone) the jobs tile simply stays empty.
    const relay = new KioskJobRelay(app.bus, (job) => app.events.publish({ type: 'job', data: job }, isKiosk));
    relay.start(app.hasDecorator('jobs') ? app.jobs.live() : []);
    app.addHook('onClose', async () => {
      relay.stop();
      presence.stop();
      offSensors();
      offControl();
      offLayout();
    });

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
    await app.register(layoutRoutes, { control, presence });
    await app.register(feedRoutes, { control, presence, version: opts.version, build: kioskBuildId(distDir), jobs: () => relay.list() });
    await app.register(cameraRoutes, { camera: () => doorbell.camera });
    await app.register(calendarRoutes);
    await app.register(kioskStatic, { distDir });
  },
  { name: 'hearth-kiosk-feed', dependencies: ['hearth-events'] },
);
