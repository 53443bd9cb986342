type Handler = (data: unknown) => void;

import { SERVER_EVENT_TYPES as EVENT_TYPES, type ServerEventName } from '@hearth/protocol/plain';

export type LiveEventType = ServerEventName;

export interface LiveOptions {
  url?: string;
  /** First retry delay; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * One EventSource that never gives up. The browser retries a dropped stream by itself only while
 * the server answers; a restart (connection refused, 502/503) closes it for good — then we make
 * a new one, waiting a little longer each time, so a wall display survives an appliance or HA
 * restart without anyone reloading it.
 */
export class Live {
  private source: EventSource | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delay: number;
  private stopped = true;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly statusListeners = new Set<(online: boolean) => void>();
  online = false;

  constructor(private readonly opts: LiveOptions = {}) {
    this.delay = opts.retryMs ?? 1000;
  }

  on(type: LiveEventType, handler: Handler): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  onStatus(listener: (online: boolean) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

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
    this.setOnline(false);
  }

  private setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const l of this.statusListeners) l(online);
  }

  private connect(): void {
    const source = new EventSource(this.opts.url ?? '/api/events');
    this.source = source;
    source.onopen = () => {
      this.delay = this.opts.retryMs ?? 1000;
      this.setOnline(true);
    };
    source.onerror = () => {
      this.setOnline(false);
      if (source.readyState !== EventSource.CLOSED || this.stopped) return;
      source.close();
      this.timer = setTimeout(() => { if (!this.stopped) this.connect(); }, this.delay);
      this.delay = Math.min(this.delay * 2, this.opts.maxRetryMs ?? 30_000);
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
