import fp from 'fastify-plugin';
import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.js';
import { isLocalPeer } from '../http/local-peer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The appliance's own registry; capabilities register their gauges and counters here. */
    metrics: Registry;
  }
}

/** Prometheus metrics: process defaults plus request durations by route and status. */
export const metricsPlugin = fp(async (app: FastifyInstance, opts: { token?: string }) => {
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

  app.get(
    '/metrics',
    {
      config: { access: 'public', ownBearer: true },
      schema: { tags: ['health'], summary: 'Prometheus metrics (bearer HEARTH_METRICS_TOKEN, or a loopback caller when none is set)', hide: false },
    },
    async (request, reply) => {
      if (!metricsAllowed(request, opts.token)) {
        throw new HttpError(
          401,
          opts.token
            ? 'Send the metrics token (HEARTH_METRICS_TOKEN) as a bearer token'
            : 'Metrics are served to this machine only; set HEARTH_METRICS_TOKEN to scrape from elsewhere',
          { 'www-authenticate': 'Bearer realm="metrics"' },
        );
      }
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
});

/** With a token: that bearer. Without: a direct loopback caller (not a local proxy relaying someone else). */
function metricsAllowed(request: FastifyRequest, token: string | undefined): boolean {
  if (token) {
    const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
    const want = Buffer.from(token);
    return given.length === want.length && timingSafeEqual(given, want);
  }
  return isLocalPeer(request);
}
