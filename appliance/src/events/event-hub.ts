import type { Principal, ServerEvent } from '@hearth/protocol';

/** Who may receive an event: a predicate on the principal of each open stream. */
export type Audience = (principal: Principal) => boolean;

/** One open SSE stream, as the hub sees it (the route adapts a Node response to this). */
export interface EventClient {
  principal: Principal;
  /** Bytes written but not yet flushed to the socket: how far behind this client is. */
  backlog(): number;
  write(chunk: string): void;
  close(): void;
}

export interface EventHubOptions {
  heartbeatMs: number;
  /** A client further behind than this is dropped (it reconnects and starts fresh). */
  maxBacklogBytes: number;
}

export const DEFAULT_EVENT_HUB: EventHubOptions = { heartbeatMs: 15_000, maxBacklogBytes: 1024 * 1024 };

/** Server-sent events fan-out: every event goes only to the streams whose principal is in its audience. */
export class EventHub {
  private readonly clients = new Set<EventClient>();
  private readonly heartbeat: NodeJS.Timeout;
  private nextId = 1;

  constructor(private readonly opts: EventHubOptions = DEFAULT_EVENT_HUB) {
    this.heartbeat = setInterval(() => this.broadcastRaw(': heartbeat\n\n'), opts.heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  add(client: EventClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  /** Send to one client only (the greeting on connect). */
  sendTo(client: EventClient, event: ServerEvent): void {
    this.deliver(client, this.frame(event));
  }

  /** `publish(event, audience)` or `publish({ type, data, audience })`: both forms are in use. */
  publish(event: ServerEvent & { audience?: Audience }, audience?: Audience): void {
    const who = audience ?? event.audience;
    if (!who) throw new Error(`event ${event.type} published without an audience`);
    let frame: string | undefined;
    for (const client of this.clients) {
      if (!who(client.principal)) continue;
      frame ??= this.frame({ type: event.type, data: event.data } as ServerEvent);
      this.deliver(client, frame);
    }
  }

  /** Close every open stream whose principal matches (identity changes, revoked devices); returns how many. */
  cut(whose: Audience): number {
    let n = 0;
    for (const client of this.clients) {
      if (!whose(client.principal)) continue;
      this.clients.delete(client);
      client.close();
      n++;
    }
    return n;
  }

  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.close();
    this.clients.clear();
  }

  private broadcastRaw(chunk: string): void {
    for (const client of this.clients) this.deliver(client, chunk);
  }

  private deliver(client: EventClient, chunk: string): void {
    if (client.backlog() > this.opts.maxBacklogBytes) {
      // A stalled reader would otherwise hold an ever-growing buffer in the appliance's memory.
      this.clients.delete(client);
      client.close();
      return;
    }
    client.write(chunk);
  }

  private frame(event: ServerEvent): string {
    return `id: ${this.nextId++}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
  }
}
