/**
 * Ollama stand-in for tests: replays the recorded NDJSON transcripts in test/fixtures/ollama/
 * line by line with a delay, like `ollama serve` streams /api/chat. Scenarios are queued per
 * request (`standin.script.push('invalid', 'ok')`, default 'ok'): ok, bad-schema (fails the
 * DialogueResult schema), invalid (well-formed but
 * wrong dialogue), error (an {"error"} line mid-stream), disconnect (the socket is cut halfway).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

const fixture = (name: string) => new URL(`../../fixtures/ollama/${name}`, import.meta.url);
const transcript = (name: string) =>
  readFileSync(fixture(name), 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
const json = (name: string) => {
  const v = JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;
  delete v._source;
  return v;
};

export type OllamaScenario = 'ok' | 'invalid' | 'bad-schema' | 'error' | 'disconnect';

export class OllamaStandin {
  url = '';
  chunkDelayMs = 5;
  readonly script: OllamaScenario[] = [];
  readonly chats: Record<string, unknown>[] = [];
  /** Models /api/tags lists; tests remove one to see health fail. */
  models = (json('tags.json').models as { name: string }[]).map((m) => m);
  private server?: Server;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    this.url = `http://127.0.0.1:${this.port}`;
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
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /api/version') return send(res, 200, json('version.json'));
    if (route === 'GET /api/tags') return send(res, 200, { models: this.models });
    if (route !== 'POST /api/chat') return send(res, 404, { error: '404 page not found' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'invalid character looking for beginning of value' });
    }
    this.chats.push(body);
    const known = this.models.some((m) => m.name === body.model || m.name === `${String(body.model)}:latest`);
    if (!known) return send(res, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
    if (Array.isArray(body.messages) && body.messages.length === 0 && body.keep_alive === 0) return send(res, 200, json('unload.json'));

    const scenario = this.script.shift() ?? 'ok';
    const lines = transcript(scenario === 'disconnect' ? 'chat-ok.ndjson' : `chat-${scenario}.ndjson`);
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' });
    const cut = scenario === 'disconnect' ? Math.floor(lines.length / 2) : lines.length;
    for (const line of lines.slice(0, cut)) {
      if (res.destroyed) return;
      res.write(`${line}\n`);
      await new Promise((r) => setTimeout(r, this.chunkDelayMs));
    }
    if (scenario === 'disconnect') res.socket?.destroy();
    else res.end();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(text);
}
