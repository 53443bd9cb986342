import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import {
  createConnection,
  createLongLivedTokenAuth,
  ERR_CANNOT_CONNECT,
  ERR_CONNECTION_LOST,
  ERR_INVALID_AUTH,
  ERR_INVALID_HTTPS_TO_HTTP,
  type Connection,
  type HassEntity,
  type MessageBase,
} from 'home-assistant-js-websocket';
import type { Logger } from 'pino';
import { backoffDelay } from '@hearth/protocol';

export type LinkState = 'unconfigured' | 'connecting' | 'starting' | 'connected' | 'disconnected' | 'auth_invalid';

export interface LinkStatus {
  state: LinkState;
  /** Home Assistant's version, once connected. */
  version: string | null;
  lastError: string | null;
  since: number;
}

export interface Credentials {
  url: string;
  token: string;
}

/** An error from Home Assistant itself (`{code, message}` in the websocket's result). */
export class HomeAssistantError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HomeAssistantError';
  }
}

/** Home Assistant could not be asked (not configured, down, starting, or too slow). */
export class HomeAssistantUnavailable extends Error {
  /** True when no address and token were ever set: the family's to do, not an outage. */
  constructor(
    message: string,
    readonly unconfigured = false,
  ) {
    super(message);
  }
}

export interface LinkOptions {
  backoffMinMs: number;
  backoffMaxMs: number;
  requestTimeoutMs: number;
  /** How often to ask a starting Home Assistant whether it is running yet. */
  startPollMs: number;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = { backoffMinMs: 1000, backoffMaxMs: 30_000, requestTimeoutMs: 10_000, startPollMs: 1000 };

/** home-assistant-js-websocket expects a browser; Node 20 has no global WebSocket. */
function ensureWebSocket(): void {
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
}

export function describeConnectError(err: unknown): string {
  if (err === ERR_INVALID_AUTH) return 'Home Assistant refused the token (make a new long-lived access token in your HA profile)';
  if (err === ERR_CANNOT_CONNECT) return 'Could not reach Home Assistant at that address';
  if (err === ERR_INVALID_HTTPS_TO_HTTP) return 'An https page cannot talk to an http Home Assistant';
  return err instanceof Error ? err.message : `Home Assistant connection failed (${String(err)})`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * The appliance's one connection to Home Assistant. It reconnects forever with backoff, and after
 * every (re)connect waits until HA reports RUNNING before subscribing — subscriptions made while HA
 * is still starting can stay silent for good. Keeps the current state of every entity.
 */
export class HomeAssistantLink extends EventEmitter<{ state: [HassEntity]; status: [LinkStatus] }> {
  private conn: Connection | undefined;
  private generation = 0;
  private readonly states = new Map<string, HassEntity>();
  private creds: Credentials | null = null;
  private current: LinkStatus = { state: 'unconfigured', version: null, lastError: null, since: Date.now() };

  constructor(
    private readonly log: Logger,
    private readonly opts: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    super();
  }

  get status(): LinkStatus {
    return this.current;
  }

  /** Connect with new credentials (or none), dropping any previous connection. */
  configure(creds: Credentials | null): void {
    const gen = ++this.generation;
    this.conn?.close();
    this.conn = undefined;
    this.states.clear();
    this.creds = creds;
    if (!creds) {
      this.setStatus('unconfigured', null);
      return;
    }
    void this.connectLoop(gen, creds);
  }

  close(): void {
    this.configure(null);
  }

  entity(entityId: string): HassEntity | undefined {
    return this.states.get(entityId);
  }

  entities(): HassEntity[] {
    return [...this.states.values()];
  }

  /**
   * A camera's current picture from HA's `camera_proxy`, asked with the appliance's token (which
   * stays here: callers get only the bytes). Throws HomeAssistantUnavailable when not configured.
   */
  async cameraImage(entityId: string, timeoutMs = this.opts.requestTimeoutMs): Promise<{ contentType: string; body: Buffer }> {
    if (!this.creds) throw new HomeAssistantUnavailable('Home Assistant is not configured', true);
    const res = await fetch(`${this.creds.url.replace(/\/$/, '')}/api/camera_proxy/${encodeURIComponent(entityId)}`, {
      headers: { authorization: `Bearer ${this.creds.token}` },
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((err: Error) => {
      throw new HomeAssistantUnavailable(`Home Assistant did not answer: ${err.message}`);
    });
    if (!res.ok) throw new HomeAssistantError(String(res.status), `Home Assistant answered ${res.status} for ${entityId}`);
    return { contentType: res.headers.get('content-type') ?? 'image/jpeg', body: Buffer.from(await res.arrayBuffer()) };
  }

  /**
   * A camera as HA's MJPEG stream (`camera_proxy_stream`), for the caller to pass on while it lasts;
   * `signal` ends it. Only the connection is under the request deadline, not the endless body.
   */
  async cameraStream(entityId: string, signal: AbortSignal): Promise<{ contentType: string; body: ReadableStream<Uint8Array> }> {
    if (!this.creds) throw new HomeAssistantUnavailable('Home Assistant is not configured', true);
    // A fetch signal also cuts the body, so the deadline is a timer cleared once HA has answered.
    const ctl = new AbortController();
    const deadline = setTimeout(() => ctl.abort(), this.opts.requestTimeoutMs);
    const res = await fetch(`${this.creds.url.replace(/\/$/, '')}/api/camera_proxy_stream/${encodeURIComponent(entityId)}`, {
      headers: { authorization: `Bearer ${this.creds.token}` },
      signal: AbortSignal.any([signal, ctl.signal]),
    })
      .catch((err: Error) => {
        throw new HomeAssistantUnavailable(`Home Assistant did not answer: ${err.message}`);
      })
      .finally(() => clearTimeout(deadline));
    if (!res.ok || !res.body) throw new HomeAssistantError(String(res.status), `Home Assistant answered ${res.status} for ${entityId}`);
    return { contentType: res.headers.get('content-type') ?? '', body: res.body };
  }

  /** The events of these calendars between two instants (HA's `calendar.get_events`, 2023.12 and later). */
  async calendarEvents(entityIds: string[], start: Date, end: Date): Promise<Array<{ entityId: string; summary: string; start: string; end: string }>> {
    const answer = await this.send<{ response?: Record<string, { events?: unknown }> }>({
      type: 'call_service',
      domain: 'calendar',
      service: 'get_events',
      service_data: { start_date_time: start.toISOString(), end_date_time: end.toISOString() },
      target: { entity_id: entityIds },
      return_response: true,
    });
    return entityIds.flatMap((entityId) => {
      const events = answer.response?.[entityId]?.events;
      return (Array.isArray(events) ? (events as Array<Record<string, unknown>>) : [])
        .filter((e) => typeof e.start === 'string' && typeof e.end === 'string')
        .map((e) => ({ entityId, summary: typeof e.summary === 'string' ? e.summary : '', start: e.start as string, end: e.end as string }));
    });
  }

  /** One websocket command with a deadline; 503-worthy when HA is not connected and running. */
  async send<T>(message: MessageBase): Promise<T> {
    const conn = this.conn;
    if (!conn || this.current.state !== 'connected') {
      throw new HomeAssistantUnavailable(`Home Assistant is not connected (${this.current.state.replace('_', ' ')})`, this.current.state === 'unconfigured');
    }
    return this.request<T>(conn, message);
  }

  private async request<T>(conn: Connection, message: MessageBase): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HomeAssistantUnavailable(`Home Assistant did not answer within ${this.opts.requestTimeoutMs / 1000} s`)),
        this.opts.requestTimeoutMs,
      );
    });
    try {
      return await Promise.race([conn.sendMessagePromise<T>(message), deadline]);
    } catch (err) {
      // The library rejects pending commands with a result frame when the socket drops.
      if (err === ERR_CONNECTION_LOST || (err as { error?: { code?: unknown } } | undefined)?.error?.code === ERR_CONNECTION_LOST) {
        throw new HomeAssistantUnavailable('Connection to Home Assistant lost; try again in a moment');
      }
      if (err && typeof err === 'object' && 'code' in err && 'message' in err) {
        throw new HomeAssistantError(String((err as { code: unknown }).code), String((err as { message: unknown }).message));
      }
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async connectLoop(gen: number, creds: Credentials): Promise<void> {
    ensureWebSocket();
    let failures = 0;
    this.setStatus('connecting', null);
    while (gen === this.generation) {
      try {
        const conn = await createConnection({ auth: createLongLivedTokenAuth(creds.url.replace(/\/$/, ''), creds.token), setupRetry: 0 });
        if (gen !== this.generation) {
          conn.close();
          return;
        }
        this.attach(gen, conn);
        return;
      } catch (err) {
        if (gen !== this.generation) return;
        if (err === ERR_INVALID_AUTH) {
          this.setStatus('auth_invalid', describeConnectError(err));
          return;
        }
        this.setStatus('disconnected', describeConnectError(err));
        await sleep(backoffDelay(++failures, { baseMs: this.opts.backoffMinMs, maxMs: this.opts.backoffMaxMs }));
      }
    }
  }

  private attach(gen: number, conn: Connection): void {
    this.conn = conn;
    conn.addEventListener('ready', () => void this.subscribeWhenRunning(gen, conn));
    conn.addEventListener('disconnected', () => {
      if (gen === this.generation) this.setStatus('disconnected', 'Connection to Home Assistant lost; reconnecting');
    });
    conn.addEventListener('reconnect-error', (_c, err) => {
      if (gen !== this.generation || err !== ERR_INVALID_AUTH) return;
      this.setStatus('auth_invalid', describeConnectError(err));
      conn.close();
    });
    void this.subscribeWhenRunning(gen, conn);
  }

  private async subscribeWhenRunning(gen: number, conn: Connection): Promise<void> {
    const live = () => gen === this.generation && conn.connected;
    this.setStatus('starting', null);
    try {
      while (live()) {
        const config = await this.request<{ state: string }>(conn, { type: 'get_config' }).catch(() => undefined);
        if (config?.state === 'RUNNING') break;
        await sleep(this.opts.startPollMs);
      }
      if (!live()) return;
      // Subscribe before reading states so no change falls between the two; resubscribe is ours to do.
      const fresh = new Map<string, string>();
      await conn.subscribeMessage<{ data: { entity_id: string; new_state: HassEntity | null } }>(
        (event) => {
          if (gen !== this.generation) return;
          const { entity_id: id, new_state: state } = event.data;
          fresh.set(id, state?.last_updated ?? '');
          if (state) {
            this.states.set(id, state);
            this.emit('state', state);
          } else {
            this.states.delete(id);
          }
        },
        { type: 'subscribe_events', event_type: 'state_changed' },
        { resubscribe: false },
      );
      const all = await this.request<HassEntity[]>(conn, { type: 'get_states' });
      if (!live()) return;
      for (const s of all) {
        const seen = fresh.get(s.entity_id);
        if (seen === undefined || seen < s.last_updated) this.states.set(s.entity_id, s);
      }
      this.setStatus('connected', null, conn.haVersion);
    } catch (err) {
      // The connection dropped mid-way; the next 'ready' starts over.
      this.log.warn({ err: (err as Error).message }, 'home assistant subscription failed; waiting for reconnect');
    }
  }

  private setStatus(state: LinkState, lastError: string | null, version: string | null = this.current.version): void {
    if (state === this.current.state && lastError === this.current.lastError && version === this.current.version) return;
    this.current = { state, version, lastError, since: Date.now() };
    if (state !== 'connected') this.log.info({ state, lastError }, 'home assistant link');
    this.emit('status', this.current);
  }
}

/** Check an address and token by connecting once: HA's version and state, or a message why not. */
export async function probeHomeAssistant(creds: Credentials, timeoutMs = 10_000): Promise<{ version: string; state: string }> {
  ensureWebSocket();
  let conn: Connection | undefined;
  const attempt = (async () => {
    conn = await createConnection({ auth: createLongLivedTokenAuth(creds.url.replace(/\/$/, ''), creds.token), setupRetry: 0 });
    const config = await conn.sendMessagePromise<{ state: string; version: string }>({ type: 'get_config' });
    return { version: config.version ?? conn.haVersion, state: config.state };
  })();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      attempt,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Home Assistant did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw new Error(describeConnectError(err), { cause: err });
  } finally {
    clearTimeout(timer);
    attempt.then(
      (): void => conn?.close(),
      () => undefined,
    );
  }
}
