import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { AgentConfig } from '../config.js';
import type { Extension } from '../extension.js';
import type { Logger } from '../log.js';
import { createAgentRunners, loadBackendSettings } from './agent-runners.js';
import { ApplianceClient } from './appliance-client.js';
import { JobWorker } from './job-worker.js';

/**
 * The job-taking part of the agent: the backend watcher (when server backends are configured)
 * and the worker. Empty, with a warning, when the agent lacks what it needs to take jobs — it
 * still reports its GPU to Home Assistant.
 */
export async function createWorkerExtensions(
  config: AgentConfig,
  deps: { bus: AgentBus; state: AgentState; log: Logger },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Extension[]> {
  const { redisUrl, applianceUrl, agentToken } = config;
  const missing = [!redisUrl && 'REDIS_URL', !applianceUrl && 'APPLIANCE_URL', !agentToken && 'AGENT_TOKEN'].filter(Boolean);
  if (!redisUrl || !applianceUrl || !agentToken) {
    deps.log.warn(`not taking jobs: ${missing.join(', ')} not set`);
    return [];
  }
  const { registry, watcher, moderator } = createAgentRunners(await loadBackendSettings(env.AGENT_BACKENDS));
  const worker = new JobWorker({
    redisUrl,
    appliance: new ApplianceClient({ baseUrl: applianceUrl, token: agentToken, maxBackoffMs: config.applianceRetryMaxMs, log: deps.log.child('appliance') }),
    registry,
    moderateImage: async (bytes) => (await moderator.moderate(bytes)).verdict,
    backends: watcher,
    ...deps,
  });
  if (!watcher) return [worker];
  const watching: Extension = {
    name: 'backend-watcher',
    start: async () => watcher.start(),
    stop: () => watcher.stop(),
  };
  return [watching, worker];
}

