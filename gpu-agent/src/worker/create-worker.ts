import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { AgentConfig } from '../config.js';
import type { Extension } from '../extension.js';
import type { Logger } from '../log.js';
import { parseBackendSettings } from '../backends/settings.js';

/**
 * The job-taking part of the agent: the backend watcher (when server backends are configured)
 * and the worker. Empty, with a warning, when the agent lacks what it needs to take jobs — it
 * still reports its GPU to Home Assistant. The runners, the queue client and their packages
 * (sharp, bee-queue, fonts) are imported only by an agent that takes jobs.
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
  const [{ createAgentRunners, detectMediaRunners, loadBackendSettings }, { ApplianceClient }, { JobWorker }] = await Promise.all([
    import('./agent-runners.js'), import('./appliance-client.js'), import('./job-worker.js'),
  ]);
  const backends = await loadBackendSettings(env.AGENT_BACKENDS);
  // AGENT_LLM_GGUF: the built-in LLM on that file, unless a backends file names another LLM.
  if (!backends.llm && env.AGENT_LLM_GGUF) backends.llm = parseBackendSettings({ llm: { kind: 'builtin', modelPath: env.AGENT_LLM_GGUF } }).llm;
  const media = await detectMediaRunners(backends, (message) => deps.log.warn(message));
  deps.state.setVoices(media.voices);
  const { registry, watcher, moderator } = createAgentRunners(backends, { modelIdleUnloadMs: config.modelIdleUnloadMs, media: media.runners });
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

