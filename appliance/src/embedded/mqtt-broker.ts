import { Aedes, type Client } from 'aedes';
import { createServer, type Server } from 'node:net';
import type { Logger } from 'pino';
import { backoffDelay, mayPublish, mayRead, maySubscribe } from '@hearth/protocol';
import type { MqttAccess, MqttSession } from './mqtt-access.js';

const RELISTEN_BACKOFF = { baseMs: 500, maxMs: 30_000 };

/**
 * An in-process MQTT broker (aedes) for the one-machine default, so Home Assistant and agents
 * have something to talk to before the family installs Mosquitto. Nobody gets in without a user
 * and password, and each user reads and writes only what the ACL (protocol/mqtt-acl) grants.
 * Retained messages live in memory: agents re-announce on reconnect, so nothing durable is lost.
 * If its listening socket closes by itself it listens again, with backoff.
 */
export class EmbeddedMqttBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  /** Signed-in clients, until they disconnect. */
  private readonly sessions = new Map<Client, MqttSession>();
  private stopping = false;
  private relistens = 0;
  private relistenTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: { host: string; port: number; access: MqttAccess; log: Logger }) {}

  /** Starts listening; the URL has no credentials (each client brings its own). */
  async start(): Promise<string> {
    const { access, log } = this.o;
    this.broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => {
        const session = access.authenticate(client.id, username, password);
        if (!session) {
          const err = Object.assign(new Error('Bad user name or password'), { returnCode: 4 as const });
          return done(err, false);
        }
        this.sessions.set(client, session);
        done(null, true);
      },
      authorizePublish: (client, packet, done) => {
        const session = client ? this.sessions.get(client) : undefined;
        if (!session || !mayPublish(session.acl, packet.topic)) {
          log.warn({ client: client?.id.slice(0, 60), topic: packet.topic.slice(0, 120) }, 'mqtt: refused a publish outside the ACL');
          return done(new Error(`not authorized to publish on ${packet.topic}`));
        }
        try {
          access.beforeDeliver(session, packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload), packet.retain);
        } catch (err) {
          log.error({ err: (err as Error).message, topic: packet.topic }, 'mqtt: could not record a command; refused it');
          return done(err as Error);
        }
        done(null);
      },
      authorizeSubscribe: (client, sub, done) => {
        const session = this.sessions.get(client);
        if (!session || !maySubscribe(session.acl, sub.topic)) {
          log.warn({ client: client.id.slice(0, 60), filter: sub.topic.slice(0, 120) }, 'mqtt: refused a subscription outside the ACL');
          return done(null, null);
        }
        done(null, sub);
      },
      // Checked again per message (retained ones included), as Mosquitto does.
      authorizeForward: (client, packet) => {
        const session = this.sessions.get(client);
        return session && mayRead(session.acl, packet.topic) ? packet : null;
      },
    });
    this.broker.on('clientDisconnect', (client) => this.sessions.delete(client));
    await this.listen();
    log.info({ port: this.o.port, host: this.o.host }, 'embedded MQTT broker started');
    return `mqtt://${urlHost(this.o.host)}:${this.o.port}`;
  }

  /** Null while it listens; otherwise what happened (for /readyz). */
  problem(): string | null {
    return this.server?.listening ? null : 'the embedded MQTT broker is not listening; trying again';
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.relistenTimer);
    const server = this.server;
    const broker = this.broker;
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A revoked device token ends its MQTT sessions at once, not only its next sign-in. */
  dropDevice(deviceId: number): void {
    for (const [client, session] of this.sessions) {
      if (session.device?.id !== deviceId) continue;
      this.o.log.warn({ client: client.id.slice(0, 60) }, 'mqtt: its device token was revoked; disconnecting it');
      this.sessions.delete(client);
      client.close();
    }
  }

  private listen(): Promise<void> {
    const server = createServer(this.broker!.handle);
    return new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'EADDRINUSE'
            ? new Error(
                `MQTT port ${this.o.port} on ${this.o.host} is in use by another program. Home Assistant and the agents expect the embedded broker there: stop that program, or set HEARTH_MQTT_PORT (or MQTT_URL for an external broker).`,
              )
            : err,
        ),
      );
      server.listen(this.o.port, this.o.host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.o.log.error({ err: err.message }, 'embedded MQTT broker: listening socket failed'));
        server.once('close', () => this.onClosed());
        this.server = server;
        this.relistens = 0;
        resolve();
      });
    });
  }

  private onClosed(): void {
    if (this.stopping) return;
    const delay = backoffDelay(++this.relistens, RELISTEN_BACKOFF);
    this.o.log.error({ inMs: delay }, 'embedded MQTT broker stopped listening; listening again');
    this.relistenTimer = setTimeout(() => {
      this.listen().then(
        () => this.o.log.info({ port: this.o.port }, 'embedded MQTT broker listens again'),
        (err: Error) => {
          this.o.log.error({ err: err.message }, 'embedded MQTT broker could not listen again');
          this.onClosed();
        },
      );
    }, delay);
  }
}

/** The address clients on this machine dial: the bound one, or loopback when bound to every interface. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
