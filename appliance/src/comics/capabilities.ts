import type { Logger } from 'pino';
import type { HearthApp } from '../app.js';
import { pipelinesPlugin } from '../pipelines/plugin.js';
import { comicsPlugin } from './plugin.js';
import { storiesPlugin } from '../stories/plugin.js';

/** Pipelines, comics and narrated stories, registered after the job capabilities they build on. */
export function comicCapabilities(o: { log: Logger; pipelineTickMs?: number }): Array<(app: HearthApp) => Promise<void>> {
  return [
    async (app) => {
      await app.register(pipelinesPlugin, { log: o.log, tickMs: o.pipelineTickMs });
    },
    async (app) => {
      await app.register(comicsPlugin, { log: o.log });
    },
    async (app) => {
      await app.register(storiesPlugin);
    },
  ];
}
