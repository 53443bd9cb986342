import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Counter, Gauge } from 'prom-client';
import { HomeAssistantLink, type LinkOptions, DEFAULT_LINK_OPTIONS } from './connection.js';
import { homeAssistantRoutes } from './routes.js';
import { NO_HOME_ASSISTANT, type HomeAssistantSettings } from './settings.js';

declare module 'fastify' {
  interface FastifyInstance {
    homeAssistant: HomeAssistantLink;
  }
}

/**
 * Home Assistant for admins: one websocket link (token server-side only), admin control routes,
 * the kiosk's subset, live state changes over the events stream, readiness and metrics.
 */
export const homeAssistantPlugin = fp(
  async (app: FastifyInstance, opts: { log: Logger; link?: Partial<LinkOptions> }) => {
    const link = new HomeAssistantLink(opts.log, { ...DEFAULT_LINK_OPTIONS, ...opts.link });
    app.decorate('homeAssistant', link);
    const section = () => app.settings.section<HomeAssistantSettings>('homeAssistant', NO_HOME_ASSISTANT);

    const connected = new Gauge({
      name: 'hearth_home_assistant_connected',
      help: '1 while the appliance is connected to a running Home Assistant',
      registers: [app.metrics],
    });
    const calls = new Counter({
      name: 'hearth_home_assistant_service_calls_total',
      help: 'Service calls from the portal and kiosk',
      labelNames: ['domain', 'outcome'] as const,
      registers: [app.metrics],
    });
    link.on('status', (s) => connected.set(s.state === 'connected' ? 1 : 0));

    app.readiness.add(
      'home-assistant',
      () => {
        if (link.status.state === 'unconfigured') throw new Error('not configured');
        if (link.status.state !== 'connected') throw new Error(link.status.lastError ?? link.status.state);
        return true;
      },
      { required: false },
    );

    link.on('state', (state) => {
      const kioskVisible = section().kioskEntities.some((e) => e.entityId === state.entity_id);
      app.bus.emit('ha.stateChanged', {
        state: { entityId: state.entity_id, state: state.state, attributes: state.attributes, lastChanged: state.last_changed },
        kioskVisible,
      });
    });

    await app.register(homeAssistantRoutes, { link, countCall: (domain, outcome) => calls.inc({ domain, outcome }) });

    const { url, token } = section();
    if (url && token) link.configure({ url, token });
    app.addHook('onClose', async () => link.close());
  },
  { name: 'hearth-home-assistant' },
);
