/**
 * Stand-in for Ollama's OpenAI-compatible endpoint: replays the hand-written (not recorded, see
 * fixtures/openai/README.md) server-sent-event transcripts in
 * test/fixtures/openai/ event by event with a delay, like /v1/chat/completions with stream:true.
 * Scenarios are queued per request (`standin.script.push(...)`, default 'ok'): ok, invalid,
 * error (an error event mid-stream), disconnect (the socket is cut halfway). With `apiKey` set,
 * requests without `Authorization: Bearer <key>` get the recorded 401.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const fixture = (name: string) => new URL(`../../fixtures/openai/${name}`, import.meta.url);
/** The transcript's events (blocks separated by a blank line), comments dropped. */
const events = (name: string) =>
  readFileSync(fixture(name), 'utf8')
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((l) => l && !l.startsWith(':'))
        .join('\n'),
    )
    .filter(Boolean);
const json = (name: string) => {
  const v = JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;
  delete v._source;
  return v;
};

export type OpenAiScenario = 'ok' | 'invalid' | 'error' | 'disconnect';

export class OpenAiStandin {
  url = '';
  chunkDelayMs = 5;
  apiKey?: string;
  readonly script: OpenAiScenario[] = [];
  readonly chats: { body: Record<string, unknown>; authorization?: string }[] = [];
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString('utf8')));
      req.on('end', () => resolve(s));
    });
    if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`) return send(res, 401, json('unauthorized.json'));
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /v1/models') return send(res, 200, json('models.json'));
    if (route !== 'POST /v1/chat/completions') return send(res, 404, { error: { message: 'not found', type: 'not_found_error', param: null, code: null } });
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.chats.push({ body, authorization: req.headers.authorization });
    const scenario = this.script.shift() ?? 'ok';
    const list = events(scenario === 'disconnect' ? 'chat-ok.sse' : `chat-${scenario}.sse`);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'transfer-encoding': 'chunked' });
    const cut = scenario === 'disconnect' ? Math.floor(list.length / 2) : list.length;
    for (const event of list.slice(0, cut)) {
      if (res.destroyed) return;
      res.write(`${event}\n\n`);
      await new Promise((r) => setTimeout(r, this.chunkDelayMs));
    }
    if (scenario === 'disconnect') res.socket?.destroy();
    else res.end();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
