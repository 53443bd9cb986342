import type { Logger } from 'pino';
import type { HearthApp } from '../app.js';
import type { Connections } from '../embedded/connections.js';
import { eventsPlugin } from '../events/plugin.js';
import type { EventHubOptions } from '../events/event-hub.js';
import { agentsPlugin } from '../agents/plugin.js';
import { mediaPlugin } from '../media/plugin.js';
import type { MediaLimits } from '../media/media-service.js';
import { presetsPlugin } from '../presets/plugin.js';
import { settingsSectionRoutes } from '../settings/section-routes.js';
import { jobsPlugin, type JobsPluginOptions } from './plugin.js';

export interface JobCapabilityTuning {
  events?: Partial<EventHubOptions>;
  media?: Partial<MediaLimits>;
  jobs?: Pick<JobsPluginOptions, 'tickMs' | 'reconcileMs' | 'stallIntervalMs' | 'maxArtifactBytes'>;
  wakeIntervalMs?: number;
}

/** Events, agents, media, jobs and presets, in the order they depend on each other. */
export function jobCapabilities(o: {
  dataDir: string;
  version: string;
  connections: Connections;
  log: Logger;
  tuning?: JobCapabilityTuning;
}): Array<(app: HearthApp) => Promise<void>> {
  const t = o.tuning ?? {};
  return [
    async (app) => {
      await app.register(eventsPlugin, { version: o.version, hub: t.events });
    },
    async (app) => {
      await app.register(agentsPlugin, { mqtt: o.connections.mqtt, log: o.log, wakeIntervalMs: t.wakeIntervalMs });
    },
    async (app) => {
      await app.register(settingsSectionRoutes, { learnedTargets: () => app.agents.announcedMacs() });
    },
    async (app) => {
      await app.register(mediaPlugin, { dataDir: o.dataDir, log: o.log, limits: t.media });
    },
    async (app) => {
      await app.register(jobsPlugin, { redisUrl: o.connections.redisUrl, redis: o.connections.redis, log: o.log, ...t.jobs });
    },
    async (app) => {
      await app.register(presetsPlugin);
    },
  ];
}
