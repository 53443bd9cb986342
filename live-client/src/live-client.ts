import type { ServerEvent, ServerEventType } from '@hearth/protocol';
import { SERVER_EVENT_TYPES, backoffDelay, type Backoff } from '@hearth/protocol/plain';

export type LiveStatus = 'connecting' | 'open' | 'down';
/** The `data` of the server event named `K` (protocol `ServerEvent`). */
export type EventData<K extends ServerEventType> = Extract<ServerEvent, { type: K }>['data'];

export interface LiveClientOptions {
  /** Default `/api/events` (same origin, with the session cookie). */
  url?: string;
  /** Reconnect delays after the browser gave up: doubling from `baseMs` to `maxMs`, with jitter. */
  backoff?: Backoff;
}

const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, maxMs: 30_000 };

/**
 * One EventSource per page that never gives up. The browser retries a dropped stream by itself
 * only while the server answers; an appliance restart or a proxy's 502 closes it for good — then
 * this makes a new one after a backoff with jitter (so a houseful of screens does not reconnect in
 * step). The appliance keeps no history of events, so every reopening after a break is a
 * *resync*: `onResync` listeners refetch what they show, and nothing stays "running" that ended
 * while the network was down.
 */
export class LiveClient {
  status: LiveStatus = 'connecting';
  private source: EventSource | null = null;
  private readonly handlers = new Map<ServerEventType, Set<(data: unknown) => void>>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failures = 0;
  private opened = false;
  private stopped = true;

  constructor(private readonly opts: LiveClientOptions = {}) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
    this.setStatus('down');
  }

  subscribe<K extends ServerEventType>(type: K, handler: (data: EventData<K>) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    const h = handler as (data: unknown) => void;
    set.add(h);
    return () => set.delete(h);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Called each time the stream opens again after a break (not on the first open). */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  private setStatus(s: LiveStatus): void {
    if (s === this.status) return;
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private connect(): void {
    const source = new EventSource(this.opts.url ?? '/api/events');
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.setStatus('open');
      if (this.opened) for (const l of this.resyncListeners) l();
      this.opened = true;
    };
    source.onerror = () => {
      this.setStatus('down');
      if (source.readyState !== EventSource.CLOSED || this.stopped) return;
      source.close();
      this.timer = setTimeout(
        () => {
          if (!this.stopped) this.connect();
        },
        backoffDelay(++this.failures, this.opts.backoff ?? DEFAULT_BACKOFF),
      );
    };
    for (const type of SERVER_EVENT_TYPES) {
      source.addEventListener(type, (e) => {
        let data: unknown;
        try {
          data = JSON.parse((e as MessageEvent<string>).data);
        } catch {
          return;
        }
        for (const h of this.handlers.get(type) ?? []) h(data);
      });
    }
  }
}
