import { readFileSync } from 'node:fs';
import { AgentState } from './agent-state.js';
import { Agent } from './agent.js';
import { AgentBus } from './bus.js';
import { ConfigError, loadConfig } from './config.js';
import type { Extension } from './extension.js';
import { readInventory } from './inventory/inventory.js';
import { createLogger } from './log.js';
import { JobHold } from './power/job-hold.js';
import { SuspendExtension } from './power/suspend.js';
import { AgentRequests } from './backends/requests.js';
import { DiscoveryRecordFile } from './presence/discovery-record.js';
import { MqttPresence } from './presence/mqtt-presence.js';
import { MetricsServer } from './metrics/metrics-server.js';
import { TelemetryExtension } from './telemetry/telemetry-extension.js';
import { createWorkerExtensions } from './worker/create-worker.js';
import { AGENT_DIR } from './install-dir.js';

const { version } = JSON.parse(readFileSync(new URL('package.json', AGENT_DIR), 'utf8')) as { version: string };

async function main() {
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel, `agent[${config.agentId}]`);
  const bus = new AgentBus((event, err) => log.error(`a ${event} listener failed`, { error: String(err) }));
  const state = new AgentState(bus);

  const requests = new AgentRequests();
  const hold = new JobHold();
  const presence = new MqttPresence({
    config,
    version,
    bus,
    state,
    log: log.child('presence'),
    requests,
    inventory: () => readInventory(log.child('inventory')),
    record: new DiscoveryRecordFile(config.dataDir, log.child('presence')),
  });

  const workers = await createWorkerExtensions(config, { bus, state, log: log.child('worker'), requests, hold });
  if (workers.length === 0) requests.serve(undefined);

  // The extensions, in start order (stopped in reverse). The job worker joins this list: it sets
  // state.setCapabilities(...) from its runners, emits job.* events and listens for command.* events.
  const extensions: Extension[] = [
    new TelemetryExtension({
      nvidiaSmi: config.nvidiaSmi,
      intervalMs: config.telemetryIntervalMs,
      maxIntervalMs: config.telemetryMaxIntervalS * 1000,
      deadband: config.deadband,
      bus,
      state,
      log: log.child('telemetry'),
    }),
    presence,
    ...workers,
    ...(config.metricsPort === undefined ? [] : [new MetricsServer({ port: config.metricsPort, version, bus, state, log: log.child('metrics') })]),
    new SuspendExtension(
      config.suspendCommand,
      bus,
      {
        holdJobs: () => hold.holdForSuspend(),
        releaseJobs: () => hold.release(),
        beforeSuspend: () => presence.publishAsleep(),
        suspendFailed: () => presence.publishAwake(),
      },
      log.child('power'),
    ),
  ];

  const agent = new Agent(extensions, log);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    agent.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await agent.start();
}

main().catch((err) => {
  process.stderr.write(`gpu-agent failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
