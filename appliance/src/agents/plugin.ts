import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { MqttClient } from 'mqtt';
import { AgentsResponse } from '@hearth/protocol';
import { AgentRequester } from './agent-requests.js';
import { backendRoutes, sameBackends, savedBackends } from './backend-routes.js';
import { AgentRegistry } from './agent-registry.js';
import { KnownAgents } from './known-agents.js';
import { Waker } from './waker.js';

declare module 'fastify' {
  interface FastifyInstance {
    agents: AgentRegistry;
    knownAgents: KnownAgents;
    waker: Waker;
  }
}

/** GPU agents as learned from MQTT, Wake-on-LAN, `GET /api/agents` and SSE `agent` events. */
export const agentsPlugin = fp(
  async (app: FastifyInstance, opts: { mqtt: MqttClient; log: Logger; wakeIntervalMs?: number }) => {
    const registry = new AgentRegistry(opts.mqtt, opts.log);
    const known = new KnownAgents(app.db);
    registry.on('announced', (a) => known.record(a, Date.now()));
    const waker = new Waker(registry, known, app.settings, opts.log, opts.wakeIntervalMs);
    app.decorate('agents', registry);
    app.decorate('knownAgents', known);
    app.decorate('waker', waker);
    registry.on('change', (agent) => app.bus.emit('agent.changed', agent));
    registry.start();
    const requester = new AgentRequester(opts.mqtt, opts.log);
    requester.start();
    app.addHook('onClose', async () => {
      requester.stop();
      registry.stop();
    });
    await app.register(backendRoutes, { registry, known, requester, log: opts.log });

    app.get(
      '/api/agents',
      {
        config: { access: ['admin', 'member', 'child', 'kiosk'] },
        schema: { tags: ['agents'], summary: 'GPU agents and their state; admins also get every computer ever heard from', response: { 200: AgentsResponse } },
      },
      async (request): Promise<AgentsResponse> => {
        const p = request.principal;
        // MAC addresses and past capabilities are for the admin's Computers page only.
        if (p.kind !== 'user' || p.role !== 'admin') return { agents: registry.list() };
        const computers = known.list();
        const saved = savedBackends(app.settings);
        const ids = new Set([...computers.map((k) => k.agentId), ...registry.list().map((a) => a.agentId)]);
        const backends = Object.fromEntries(
          [...ids].map((id) => {
            const now = registry.backends(id) ?? undefined;
            const mine = saved[id];
            return [id, { ...(now ? { now } : {}), ...(mine ? { saved: mine } : {}), pending: mine !== undefined && !sameBackends(mine, now ?? null) }];
          }),
        );
        return {
          agents: registry.list(),
          known: computers.map(({ agentId, name, capabilities, macs, lastSeen }) => ({ agentId, name, capabilities, macs, lastSeen })),
          backends,
        };
      },
    );
  },
  { name: 'hearth-agents' },
);
