import { SERVER_EVENT_TYPES } from '@hearth/protocol/plain';

export type LiveStatus = 'connecting' | 'open' | 'down';
type Handler = (data: unknown) => void;

/** The events the appliance streams (protocol ServerEvent, GET /api/events). */
export const EVENT_TYPES = SERVER_EVENT_TYPES;

/**
 * One EventSource per tab. The browser retries a dropped stream by itself, but gives up for good
 * when the server answers with an error (a restart, a 502 from a proxy): then we start over
 * ourselves, waiting a little longer each time.
 */
export class LiveEvents {
  private source: EventSource | null = null;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private retryMs = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  status: LiveStatus = 'connecting';

  constructor(private readonly url = '/api/events') {}

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
  }

  on(type: string, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(s: LiveStatus): void {
    if (s === this.status) return;
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private connect(): void {
    const source = new EventSource(this.url);
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
      this.setStatus('open');
    };
    source.onerror = () => {
      this.setStatus('down');
      if (source.readyState === EventSource.CLOSED && !this.stopped) {
        source.close();
        this.timer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 30_000);
      }
    };
    for (const type of EVENT_TYPES) {
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
