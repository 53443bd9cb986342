import type { Logger } from 'pino';
import type { HearthApp } from '../app.js';
import { pipelinesPlugin } from '../pipelines/plugin.js';
import { comicsPlugin } from './plugin.js';

/** Pipelines and comics, registered after the job capabilities they build on. */
export function comicCapabilities(o: { log: Logger; pipelineTickMs?: number }): Array<(app: HearthApp) => Promise<void>> {
  return [
    async (app) => { await app.register(pipelinesPlugin, { log: o.log, tickMs: o.pipelineTickMs }); },
    async (app) => { await app.register(comicsPlugin, { log: o.log }); },
  ];
}
