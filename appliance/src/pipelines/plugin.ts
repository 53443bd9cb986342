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
  /** How often finished jobs are looked for (until the appliance has an event bus). */
  tickMs?: number;
}

/** Pipelines of jobs, and the "jobs may have changed" signal they and other documents follow. */
export const pipelinesPlugin = fp(async (app: FastifyInstance, opts: PipelinesPluginOptions) => {
  const changes = new JobChanges(opts.tickMs ?? 500, (err) => opts.log.warn({ err: err.message }, 'a job-change listener failed'));
  const pipelines = new PipelineService({ db: app.db, jobs: app.jobs, users: app.users, changes, log: opts.log });
  app.decorate('jobChanges', changes);
  app.decorate('pipelines', pipelines);
  // After the jobs plugin's own start (reconciliation), so pipelines see SQLite as reconciled.
  app.addHook('onReady', async () => changes.start());
  app.addHook('onClose', async () => changes.stop());
  await app.register(pipelineRoutes, { pipelines });
}, { name: 'hearth-pipelines', dependencies: ['hearth-jobs'] });
