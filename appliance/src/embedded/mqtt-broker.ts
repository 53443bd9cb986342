import { Aedes } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { anyFreePort, isFree } from './redis-server.js';

/**
 * An in-process MQTT broker (aedes) for the one-machine default, so Home Assistant and agents on
 * the LAN have something to talk to before the family installs Mosquitto. Retained messages live
 * in memory: agents re-announce on reconnect, so nothing durable is lost on restart.
 */
export class EmbeddedMqttBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;

  constructor(private readonly host: string, private readonly preferredPort: number, private readonly log: Logger) {}

  async start(): Promise<string> {
    this.broker = await Aedes.createBroker();
    const port = (await isFree(this.preferredPort)) ? this.preferredPort : await anyFreePort();
    const server = createServer(this.broker.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
    if (port !== this.preferredPort) this.log.warn({ port, wanted: this.preferredPort }, 'MQTT port taken; embedded broker uses another');
    this.log.info({ port, host: this.host }, 'embedded MQTT broker started');
    return `mqtt://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
