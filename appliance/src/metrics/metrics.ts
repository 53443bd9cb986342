import fp from 'fastify-plugin';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** The appliance's own registry; capabilities register their gauges and counters here. */
    metrics: Registry;
  }
}

/** Prometheus metrics: process defaults plus request durations by route and status. */
export const metricsPlugin = fp(async (app: FastifyInstance) => {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'hearth-appliance' });
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'hearth_http_request_duration_seconds',
    help: 'HTTP request duration by route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.decorate('metrics', registry);

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', {
    config: { access: 'public' },
    schema: { tags: ['health'], summary: 'Prometheus metrics', hide: false },
  }, async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
});
