/**
 * ComfyUI replay: answers with exchanges recorded from a real ComfyUI (test/fixtures/comfyui/
 * recorded/<version>-<scenario>.json, made by scripts/record-comfyui.ts), nothing written by
 * hand. A POST /prompt plays the scenario's recorded run: the recorded /prompt answer, then every
 * websocket frame (text and binary previews) recorded after it, in order, with the recorded gaps
 * divided by `speed` and capped at `maxGapMs` (a CPU ComfyUI takes minutes; the order is what
 * matters); the prompt id and client id are swapped for the caller's. /history, /view,
 * /upload/image, /system_stats and /queue answer as recorded (history only once the run is over).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

type Exchange =
  | { t: number; kind: 'http'; method: string; path: string; request?: unknown; status: number; contentType: string | null; response: unknown }
  | { t: number; kind: 'ws-text'; message: unknown }
  | { t: number; kind: 'ws-binary'; eventType: number; bytes: number; base64: string }
  | { t: number; kind: 'note'; text: string };

export interface Recording {
  comfyui: string;
  scenario: string;
  exchanges: Exchange[];
}

export function loadRecording(version: string, scenario: string): Recording {
  return JSON.parse(readFileSync(new URL(`../../fixtures/comfyui/recorded/${version}-${scenario}.json`, import.meta.url), 'utf8')) as Recording;
}

const swap = (v: unknown, from: string[], to: string[]): unknown => {
  let text = JSON.stringify(v);
  from.forEach((f, i) => (text = text.split(f).join(to[i]!)));
  return JSON.parse(text) as unknown;
};

export class ComfyReplay {
  url = '';
  speed = 4;
  maxGapMs = 100;
  readonly posted: { prompt_id: string; client_id: string; prompt: unknown; at: number }[] = [];
  /** Requests other than /prompt, in order (method and path, with the JSON body). */
  readonly calls: { method: string; path: string; body?: unknown }[] = [];
  /** When each replayed run ended (its `executing: null`). */
  readonly endedAt = new Map<string, number>();
  private server?: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<string, WebSocket>();
  private readonly finished = new Set<string>();
  private running?: string;
  private readonly http: Extract<Exchange, { kind: 'http' }>[];

  /** `promptAnswer`: which recorded POST /prompt answers ours (default: the first accepted one). */
  constructor(
    private readonly run: Recording,
    info: Recording,
    private readonly promptAnswer?: number,
  ) {
    this.http = [...run.exchanges, ...info.exchanges].filter((e): e is Extract<Exchange, { kind: 'http' }> => e.kind === 'http');
  }

  private recordedPrompt() {
    const posts = this.http.filter((e) => e.method === 'POST' && e.path === '/prompt');
    const post = this.promptAnswer === undefined ? posts.find((e) => e.status === 200)! : posts[this.promptAnswer]!;
    const req = post.request as { prompt_id: string; client_id: string };
    return { post, id: req.prompt_id, client: req.client_id };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const clientId = new URL(req.url ?? '/', 'http://x').searchParams.get('clientId') ?? 'anonymous';
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.sockets.set(clientId, ws);
        ws.on('close', () => this.sockets.get(clientId) === ws && this.sockets.delete(clientId));
        const hello = this.run.exchanges.find((e) => e.kind === 'ws-text');
        if (hello) ws.send(JSON.stringify(swap(hello.message, [this.recordedPrompt().client], [clientId])));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets.values()) ws.terminate();
    this.wss.close();
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://x');
    const { post, id: recId, client: recClient } = this.recordedPrompt();
    if (req.method === 'POST' && url.pathname === '/prompt') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { prompt_id: string; client_id: string; prompt: unknown };
      this.posted.push({ ...body, at: Date.now() });
      this.running = body.prompt_id;
      send(res, post.status, post.contentType, swap(post.response, [recId], [body.prompt_id]));
      if (post.status === 200) void this.play(post.t, recId, recClient, body.prompt_id, body.client_id);
      return;
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    this.calls.push({ method: req.method ?? 'GET', path: url.pathname, ...(raw && { body: JSON.parse(raw) as unknown }) });
    if (req.method === 'GET' && url.pathname.startsWith('/history/')) {
      const id = decodeURIComponent(url.pathname.slice('/history/'.length));
      const rec = this.http.find((e) => e.method === 'GET' && e.path === `/history/${recId}`);
      return send(res, 200, 'application/json', this.finished.has(id) && rec ? swap(rec.response, [recId], [id]) : {});
    }
    if (req.method === 'GET' && url.pathname === '/queue') {
      const item = (id: string) => [0, id, {}, {}, []];
      return send(res, 200, 'application/json', { queue_running: this.running ? [item(this.running)] : [], queue_pending: [] });
    }
    const match = this.http.find(
      (e) => e.method === req.method && (e.path === `${url.pathname}${url.search}` || (e.path.split('?')[0] === url.pathname && url.pathname !== '/view')),
    );
    if (match) return send(res, match.status, match.contentType, match.response);
    if (req.method === 'POST' && (url.pathname === '/interrupt' || url.pathname === '/queue' || url.pathname === '/free')) return send(res, 200, null, '');
    res.writeHead(404).end();
  }

  private async play(from: number, recId: string, recClient: string, id: string, client: string): Promise<void> {
    let last = from;
    for (const e of this.run.exchanges) {
      if (e.t >= from && e.kind === 'note' && /killed/.test(e.text)) {
        // The recorded ComfyUI died here: connections drop, the run is forgotten (queue and history).
        for (const ws of this.sockets.values()) ws.terminate();
        this.running = undefined;
        return;
      }
      if (e.t < from || (e.kind !== 'ws-text' && e.kind !== 'ws-binary')) continue;
      await new Promise((r) => setTimeout(r, Math.min((e.t - last) / this.speed, this.maxGapMs)));
      last = e.t;
      const ws = this.sockets.get(client);
      if (e.kind === 'ws-binary') {
        ws?.send(Buffer.from(e.base64, 'base64'), { binary: true });
        continue;
      }
      const m = swap(e.message, [recId, recClient], [id, client]) as { type: string; data: { node?: unknown; prompt_id?: string } };
      const end = m.type === 'executing' && m.data.node === null && m.data.prompt_id === id;
      if (end) {
        this.finished.add(id);
        this.endedAt.set(id, Date.now());
        this.running = undefined;
      }
      ws?.send(JSON.stringify(m));
      if (end) return;
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string | null, body: unknown): void {
  if (body && typeof body === 'object' && 'base64' in body) {
    res.writeHead(status, { 'content-type': contentType ?? 'application/octet-stream' }).end(Buffer.from((body as { base64: string }).base64, 'base64'));
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType ?? 'text/plain' }).end(text);
}
