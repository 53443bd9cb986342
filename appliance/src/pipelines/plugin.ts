import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { JobChanges } from './job-changes.js';
import { PipelineService } from './pipeline-service.js';
import { pipelineRoutes } from './routes.js';

declare module 'fastify' {
  interface FastifyInstance {
    jobChanges: JobChanges;
    pipelines: PipelineService;
  }
}

export interface PipelinesPluginOptions {
  log: Logger;
  /** How often SQLite is looked at besides job events (the safety net). */
  tickMs?: number;
}

/** Pipelines of jobs, and the "jobs may have changed" signal they and other documents follow. */
export const pipelinesPlugin = fp(
  async (app: FastifyInstance, opts: PipelinesPluginOptions) => {
    const changes = new JobChanges(opts.tickMs ?? 5000, (err) => opts.log.warn({ err: err.message }, 'a job-change listener failed'));
    // A status change (not progress) is what moves a pipeline on.
    const unsubscribe = app.bus.on('job.changed', (e) => {
      if (e.transition) changes.notify();
    });
    const pipelines = new PipelineService({ db: app.db, jobs: app.jobs, users: app.users, changes, bus: app.bus, log: opts.log });
    app.decorate('jobChanges', changes);
    app.decorate('pipelines', pipelines);
    // After the jobs plugin's own start (reconciliation), so pipelines see SQLite as reconciled.
    app.addHook('onReady', async () => changes.start());
    app.addHook('onClose', async () => {
      unsubscribe();
      await changes.stop();
    });
    await app.register(pipelineRoutes, { pipelines });
  },
  { name: 'hearth-pipelines', dependencies: ['hearth-jobs'] },
);
