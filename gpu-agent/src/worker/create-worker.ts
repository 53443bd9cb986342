import { join } from 'node:path';
import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { AgentConfig } from '../config.js';
import type { Extension } from '../extension.js';
import type { Logger } from '../log.js';
import type { AgentRequests } from '../backends/requests.js';
import { parseBackendSettings, type BackendSettings } from '../backends/settings.js';
import type { JobHold } from '../power/job-hold.js';

/**
 * The job-taking part of the agent: the backend watcher, the worker, and the manager that applies
 * the admin's backend settings live. Empty, with a warning, when the agent lacks what it needs to
 * take jobs — it still reports its GPU to Home Assistant. The runners, the queue client and their
 * packages (sharp, bee-queue, fonts) are imported only by an agent that takes jobs.
 *
 * Backends come from the settings saved from the portal (`<dataDir>/backends.json`), else from
 * the AGENT_BACKENDS file, else the built-in LLM on AGENT_LLM_GGUF.
 */
export async function createWorkerExtensions(
  config: AgentConfig,
  deps: { bus: AgentBus; state: AgentState; log: Logger; requests: AgentRequests; hold: JobHold },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Extension[]> {
  const { redisUrl, applianceUrl, agentToken } = config;
  const missing = [!redisUrl && 'REDIS_URL', !applianceUrl && 'APPLIANCE_URL', !agentToken && 'AGENT_TOKEN'].filter(Boolean);
  if (!redisUrl || !applianceUrl || !agentToken) {
    deps.log.warn(`not taking jobs: ${missing.join(', ')} not set`);
    return [];
  }
  const [{ createAgentRunners, detectMediaRunners, loadBackendSettings }, { ApplianceClient }, { JobWorker }, { BackendManager, readSavedBackends }] =
    await Promise.all([import('./agent-runners.js'), import('./appliance-client.js'), import('./job-worker.js'), import('../backends/manager.js')]);
  const file = join(config.dataDir, 'backends.json');
  const workflowsDir = join(config.dataDir, 'workflows');
  const saved = await readSavedBackends(file);
  let backends: BackendSettings;
  if (saved) {
    deps.log.info(`backends as last set from the portal (${file})`);
    backends = saved;
  } else {
    backends = await loadBackendSettings(env.AGENT_BACKENDS);
    // AGENT_LLM_GGUF: the built-in LLM on that file, unless a backends file names another LLM.
    if (!backends.llm && env.AGENT_LLM_GGUF) backends.llm = parseBackendSettings({ llm: { kind: 'builtin', modelPath: env.AGENT_LLM_GGUF } }).llm;
  }
  const media = await detectMediaRunners(backends, (message) => deps.log.warn(message));
  deps.state.setVoices(media.voices);
  const { registry, watcher, moderator } = createAgentRunners(backends, {
    modelIdleUnloadMs: config.modelIdleUnloadMs,
    media: media.runners,
    importedWorkflowsDir: workflowsDir,
  });
  const { requests, hold, ...shared } = deps;
  const worker = new JobWorker({
    redisUrl,
    appliance: new ApplianceClient({ baseUrl: applianceUrl, token: agentToken, maxBackoffMs: config.applianceRetryMaxMs, log: deps.log.child('appliance') }),
    registry,
    moderateImage: async (bytes) => (await moderator.moderate(bytes)).verdict,
    backends: watcher,
    ...shared,
  });
  let manager: InstanceType<typeof BackendManager> | undefined;
  const watching: Extension = {
    name: 'backends',
    start: async () => {
      manager = new BackendManager({
        settings: backends,
        file,
        workflowsDir,
        registry,
        watcher,
        state: deps.state,
        log: deps.log.child('backends'),
        modelIdleUnloadMs: config.modelIdleUnloadMs,
      });
      requests.serve((req) => manager!.handle(req));
      hold.serve(worker);
      watcher.start();
    },
    stop: async () => {
      requests.serve(undefined);
      hold.serve(undefined);
      manager?.stop();
      await watcher.stop();
    },
  };
  return [watching, worker];
}
