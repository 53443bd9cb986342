import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { CAPABILITIES } from '@hearth/protocol';
import { ArtifactStore } from './artifact-store.js';
import { agentRoutes } from './agent-routes.js';
import { Broker, withTimeout } from './broker.js';
import { jobMetrics } from './job-metrics.js';
import { JobService } from './job-service.js';
import { JobStore } from './job-store.js';
import { JobRuns } from './job-runs.js';
import { Reconciler } from './reconcile.js';
import { jobRoutes } from './routes.js';
import { isImage } from '../media/sniff.js';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobService;
    reconciler: Reconciler;
  }
}

export interface JobsPluginOptions {
  redisUrl: string;
  redis: Redis;
  log: Logger;
  /** How often running jobs are picked up from Redis and waiting ones re-checked. */
  tickMs?: number;
  /** How often SQLite and Redis are reconciled besides start and reconnects. */
  reconcileMs?: number;
  stallIntervalMs?: number;
  maxArtifactBytes?: number;
}

/** Jobs: the SQLite rows, the bee-queue broker, reconciliation, auto-wake, and their routes. */
export const jobsPlugin = fp(
  async (app: FastifyInstance, opts: JobsPluginOptions) => {
    const store = new JobStore(app.db);
    const artifacts = new ArtifactStore(app.db);
    const runs = new JobRuns(app.db);
    const broker = new Broker({ redisUrl: opts.redisUrl, redis: opts.redis, log: opts.log, stallIntervalMs: opts.stallIntervalMs });
    const jobs = new JobService({
      db: app.db,
      store,
      artifacts,
      runs,
      broker,
      media: app.media,
      agents: app.agents,
      known: app.knownAgents,
      waker: app.waker,
      bus: app.bus,
      settings: app.settings,
      log: opts.log,
    });
    const unsubscribe = [
      jobMetrics(app.metrics, broker, store, app.bus),
      // Every new picture is moderated before children or the kiosk may see it.
      app.bus.on('media.added', ({ media }) => {
        if (media.moderation === 'pending' && isImage(media.content_type)) void jobs.moderate(media.id);
      }),
    ];
    const reconciler = new Reconciler(store, artifacts, broker, jobs, opts.log);
    app.decorate('jobs', jobs);
    app.decorate('reconciler', reconciler);
    app.accountExport.add('jobs', (userId) => store.exportFor(userId));

    const logged = (what: string) => (err: Error) => opts.log.warn({ err: err.message }, what);
    // Listeners must not throw: an error there (SQLITE_FULL on a full disk) would end the process.
    const guarded = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        logged(what)(err as Error);
      }
    };
    broker.on('progress', (id, data) => guarded('could not record progress', () => jobs.onProgress(id, data)));
    broker.on('retrying', (id, message) => guarded('could not record a retry', () => jobs.onRetrying(id, message)));
    broker.on('failed', (id, message) => void jobs.onFailed(id, message).catch(logged('could not record a failed job')));
    broker.on('succeeded', (id, result) => void jobs.onSucceeded(id, result).catch(logged('could not record a finished job')));
    broker.on('reconnected', () => void reconciler.run().catch(logged('reconciliation after a Redis break failed')));
    app.agents.on('capacity', (change) => void jobs.onCapacity(change).catch(logged('could not move jobs after an agent change')));

    const timers: NodeJS.Timeout[] = [];
    app.addHook('onReady', async () => {
      // Redis may be away at start: the appliance still serves, and reconciles when it comes back.
      const started = broker.start().then(() => reconciler.run());
      await withTimeout(started, 10_000, 'opening the job queues').catch(logged('job queues not ready yet; jobs are kept in SQLite until Redis answers'));
      timers.push(
        setInterval(() => {
          for (const cap of CAPABILITIES) void jobs.markActive(cap).catch(() => undefined);
        }, opts.tickMs ?? 1000),
      );
      timers.push(setInterval(() => void reconciler.run().catch(logged('periodic reconciliation failed')), opts.reconcileMs ?? 60_000));
      timers.push(setInterval(() => void jobs.wakeForWaiting().catch(logged('could not wake computers for waiting jobs')), app.waker.retryMs));
      for (const t of timers) t.unref();
    });
    app.addHook('onClose', async () => {
      for (const off of unsubscribe) off();
      for (const t of timers) clearInterval(t);
      await broker.close();
    });

    await app.register(jobRoutes, { jobs });
    await app.register(agentRoutes, { jobs, runs, media: app.media, artifacts, maxArtifactBytes: opts.maxArtifactBytes });
  },
  { name: 'hearth-jobs', dependencies: ['hearth-events', 'hearth-agents', 'hearth-media'] },
);
