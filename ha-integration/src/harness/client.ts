import { waitFor } from '@hearth/testkit';
import { createConnection, createLongLivedTokenAuth, type Connection, type HassEntity, type MessageBase } from 'home-assistant-js-websocket';
import { WebSocket as NodeWebSocket } from 'ws';

/** Node 20 has no global WebSocket; home-assistant-js-websocket needs one. */
export function ensureGlobalWebSocket(): void {
  const g = globalThis as { WebSocket?: unknown };
  g.WebSocket ??= NodeWebSocket;
}

/** Opens a websocket connection authenticated with `token`. The caller must close() it. */
export async function connectWebSocket(url: string, token: string): Promise<Connection> {
  ensureGlobalWebSocket();
  return createConnection({ auth: createLongLivedTokenAuth(url, token) });
}

/**
 * REST and websocket access to one HA instance. The websocket is opened on first use and
 * closed by close(); home-assistant-js-websocket retries forever, so an open one keeps a test
 * process alive.
 */
export class HomeAssistantClient {
  private conn: Promise<Connection> | undefined;

  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async rest<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    const type = res.headers.get('content-type') ?? '';
    return (type.includes('json') ? JSON.parse(text) : text) as T;
  }

  /** Calls a service and returns the states it changed. */
  callService(domain: string, service: string, data: Record<string, unknown> = {}): Promise<HassEntity[]> {
    return this.rest('POST', `/api/services/${domain}/${service}`, data);
  }

  async getState(entityId: string): Promise<HassEntity | null> {
    try {
      return await this.rest<HassEntity>('GET', `/api/states/${entityId}`);
    } catch (err) {
      if (String(err).includes('HTTP 404')) return null;
      throw err;
    }
  }

  getStates(): Promise<HassEntity[]> {
    return this.rest('GET', '/api/states');
  }

  /** Resolves with the entity's state once `predicate` holds (the entity may not exist yet). */
  async waitForState(entityId: string, predicate: (state: HassEntity) => boolean, timeoutMs = 30_000): Promise<HassEntity> {
    let last: HassEntity | null = null;
    try {
      return await waitFor(
        async () => {
          last = await this.getState(entityId);
          return last && predicate(last) ? last : undefined;
        },
        { timeoutMs, intervalMs: 100, what: `state of ${entityId}` },
      );
    } catch (err) {
      throw new Error(`${(err as Error).message}; last state: ${JSON.stringify(last)}`, { cause: err });
    }
  }

  /** Finds an entity by predicate, waiting until one appears (e.g. a discovered MQTT entity). */
  async waitForEntity(predicate: (state: HassEntity) => boolean, timeoutMs = 30_000): Promise<HassEntity> {
    return waitFor(async () => (await this.getStates()).find(predicate), {
      timeoutMs,
      intervalMs: 100,
      what: 'a matching entity',
    });
  }

  /**
   * Runs an automation now, conditions included (as its own triggers would), and resolves once
   * HA has stored the run's trace: how it ended (`failed_conditions`, `finished`, `error`…). A
   * check that something did not happen waits for this instead of for a while.
   */
  async runAutomation(entityId: string, { skipCondition = false, timeoutMs = 30_000 } = {}): Promise<string | null> {
    const itemId = (await this.getState(entityId))?.attributes.id as string | undefined;
    if (!itemId) throw new Error(`${entityId} has no automation id (traces are kept for automations with one)`);
    type Trace = { run_id: string; state: string; script_execution: string | null };
    const traces = () => this.sendWs<Trace[]>({ type: 'trace/list', domain: 'automation', item_id: itemId });
    const before = new Set((await traces()).map((t) => t.run_id));
    await this.callService('automation', 'trigger', { entity_id: entityId, skip_condition: skipCondition });
    const run = await waitFor(async () => (await traces()).find((t) => !before.has(t.run_id) && t.state === 'stopped'), {
      timeoutMs,
      intervalMs: 100,
      what: `a finished run of ${entityId}`,
    });
    return run.script_execution;
  }

  renderTemplate(template: string): Promise<string> {
    return this.rest('POST', '/api/template', { template });
  }

  connection(): Promise<Connection> {
    this.conn ??= connectWebSocket(this.url, this.token).catch((err: unknown) => {
      this.conn = undefined;
      throw new Error(`websocket connection to ${this.url} failed: ${String(err)}`);
    });
    return this.conn;
  }

  /** Sends one websocket command and returns its result. */
  async sendWs<T>(message: MessageBase): Promise<T> {
    return (await this.connection()).sendMessagePromise<T>(message);
  }

  async close(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    if (conn) (await conn.catch(() => undefined))?.close();
  }
}
