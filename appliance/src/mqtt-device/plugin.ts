import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { HA_DISCOVERY_PREFIX, JOB_TYPES, type HaDiscoverySetting } from '@hearth/protocol';
import { readDeviceSettings, updateDeviceSettings } from './device-settings.js';
import { homeAssistantPrincipal } from './ha-principal.js';
import { MqttDevice } from './mqtt-device.js';
import { mqttDeviceRoutes } from './routes.js';
import { jobCounts } from './state-payload.js';
import { MQTT_PRESENCE } from '../kiosk-feed/presence.js';

/** Pages the kiosk shows (kiosk/src/app.tsx: the tile grid, or full-screen photos), offered by HA's "Kiosk page" select. */
export const KIOSK_PAGES = ['home', 'photos'] as const;

export interface MqttDevicePluginOptions {
  mqtt: MqttClient;
  log: Logger;
  version: string;
  kioskPages?: readonly string[];
  /** Default: the `mqttDevice.discoveryMode` setting, else `auto` (device-based when HA's version is known to read it). */
  discoverySetting?: HaDiscoverySetting;
  discoveryPrefix?: string;
  announceJitterMs?: number;
  pollMs?: number;
  configurationUrl?: string;
}

/** The appliance as an MQTT device in Home Assistant (queue sensors, preset buttons, kiosk controls). */
export const mqttDevicePlugin = fp(
  async (app: FastifyInstance, opts: MqttDevicePluginOptions) => {
    // Lookups run one at a time so two presses cannot both create the principal.
    let lookups: Promise<unknown> = Promise.resolve();
    const principal = () => {
      const next = lookups.then(() => homeAssistantPrincipal(app.devices, app.settings, app.audit));
      lookups = next.catch(() => undefined);
      return next;
    };

    const device = new MqttDevice({
      mqtt: opts.mqtt,
      log: opts.log,
      version: opts.version,
      kioskPages: opts.kioskPages ?? KIOSK_PAGES,
      discoverySetting: opts.discoverySetting ?? readDeviceSettings(app.settings).discoveryMode ?? 'auto',
      haVersion: readDeviceSettings(app.settings).haVersion ?? null,
      discoveryPrefix: opts.discoveryPrefix ?? HA_DISCOVERY_PREFIX,
      announceJitterMs: opts.announceJitterMs ?? 5000,
      pollMs: opts.pollMs ?? 2000,
      configurationUrl: opts.configurationUrl,
      ports: {
        presets: { list: () => app.presets.store.list(), run: (id, p) => app.presets.runPreset(id, p) },
        kiosk: app.kioskControl,
        screen: {
          mode: () => app.kioskPresence.get().mode,
          wake: () => app.kioskPresence.wake(),
          sleep: () => app.kioskPresence.sleep(),
          presence: (on) => app.kioskPresence.sensor(MQTT_PRESENCE, on),
        },
        state: () => ({
          ...jobCounts(app.jobs.live().map(({ job }) => ({ capability: JOB_TYPES[job.type].capability, status: job.status }))),
          agentsOnline: app.agents.list().filter((a) => a.availability === 'online').length,
        }),
        onStateChange: (listener) => {
          const offs = [
            app.bus.on('job.changed', listener),
            app.bus.on('agent.changed', listener),
            app.bus.on('kiosk.controlChanged', listener),
            app.bus.on('kiosk.presenceChanged', listener),
          ];
          return () => offs.forEach((off) => off());
        },
        // Looked up on each press: an admin may have revoked it meanwhile.
        principal,
        record: {
          read: () => readDeviceSettings(app.settings).published ?? null,
          write: async (published) => {
            // HA's birth message re-publishes the same set: no need to rewrite settings.json each time.
            if (JSON.stringify(readDeviceSettings(app.settings).published) !== JSON.stringify(published))
              await updateDeviceSettings(app.settings, { published });
          },
        },
        audit: (entry) => app.audit.record(entry),
      },
    });
    // The websocket link (when an admin configured one) tells HA's version, and so which form it reads.
    const onLinkStatus = (status: { state: string; version: string | null }) => {
      const version = status.state === 'connected' ? status.version : null;
      if (!version || version === device.haVersion) return;
      void updateDeviceSettings(app.settings, { haVersion: version })
        .then(() => device.setHaVersion(version))
        .catch((err: Error) => opts.log.error({ err: err.message }, 'mqtt device: could not follow the Home Assistant version'));
    };
    app.addHook('onReady', async () => {
      // Made up front so admins see (and may revoke) it before HA ever presses a button.
      await principal();
      device.start();
      if (app.hasDecorator('homeAssistant')) {
        app.homeAssistant.on('status', onLinkStatus);
        onLinkStatus(app.homeAssistant.status);
      }
    });
    app.addHook('onClose', async () => {
      if (app.hasDecorator('homeAssistant')) app.homeAssistant.off('status', onLinkStatus);
      await device.stop();
      await lookups;
    });
    await app.register(mqttDeviceRoutes, { device });
    // Encapsulated: it decorates nothing; fastify-plugin is here only to name it and check what it needs.
  },
  { name: 'hearth-mqtt-device', dependencies: ['hearth-jobs', 'hearth-agents', 'hearth-presets', 'hearth-kiosk-feed'], encapsulate: true },
);
