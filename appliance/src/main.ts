import { ConfigError, loadConfig, type ApplianceConfig } from './config.js';
import { startAppliance } from './server.js';
import { productCapabilities } from './capabilities.js';
import { writeLocalAgentFiles } from './local-agent.js';

/** `npm start` on the Pi: start the appliance, print where to open it, stop cleanly on Ctrl-C. */
async function main(): Promise<void> {
  let config: ApplianceConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // Every wrong value at once, before anything starts.
    console.error(`\nHearth cannot start: ${err.message}\n`);
    process.exit(2);
  }
  let running;
  try {
    running = await startAppliance(config, { capabilities: (connections, log) => productCapabilities(config, connections, log) });
  } catch (err) {
    console.error(`\nHearth could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  // One-machine home lab (scripts/start.mjs): a token and the effective URLs for the local gpu-agent.
  if (process.env.HEARTH_LOCAL_AGENT === '1') await writeLocalAgentFiles(running, config.dataDir);
  console.log(`\n  Hearth is running: open ${running.url}\n`);
  const broker = running.mqttBroker;
  if (broker.embedded) {
    console.log(
      `  Home Assistant's MQTT: this machine, port ${broker.port}, user "${broker.homeAssistantUser}", password = a Home Assistant token (Admin → Devices)${broker.reachableFromLan ? '' : '; set HEARTH_MQTT_HOST=0.0.0.0 to reach it from the LAN'}\n`,
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n  ${signal}: stopping Hearth…`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
