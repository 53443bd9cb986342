import type { HttpClient } from './http-client.js';

export interface SseEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  receivedAt: number;
}

/**
 * A live `GET /api/events` stream for tests, as the given client (cookie or bearer). Events are
 * collected as they arrive; `next()` waits for the next one matching a predicate.
 */
export class SseStream {
  readonly events: SseEvent[] = [];
  private readonly controller = new AbortController();
  private waiters: Array<{ match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }> = [];
  private consumed = 0;

  private constructor() {}

  static async open(client: HttpClient, path = '/api/events'): Promise<SseStream> {
    const s = new SseStream();
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (client.cookie) headers.cookie = client.cookie;
    if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
    const res = await fetch(new URL(path, client.baseUrl), { headers, signal: s.controller.signal });
    if (res.status !== 200 || !res.body) throw new Error(`events stream answered ${res.status}`);
    void s.pump(res.body);
    return s;
  }

  /** The next event (after those already returned by next) that matches. */
  next(match: (e: SseEvent) => boolean = () => true, timeoutMs = 10_000): Promise<SseEvent> {
    for (let i = this.consumed; i < this.events.length; i++) {
      if (match(this.events[i]!)) {
        this.consumed = i + 1;
        return Promise.resolve(this.events[i]!);
      }
    }
    this.consumed = this.events.length;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching event within ${timeoutMs} ms; got: ${this.events.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          this.onFrame(frame);
        }
      }
    } catch {
      // aborted by close()
    }
  }

  private onFrame(frame: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (!data.length) return; // heartbeat comment
    const event: SseEvent = { type, data: JSON.parse(data.join('\n')), receivedAt: performance.now() };
    this.events.push(event);
    const waiter = this.waiters.find((w) => w.match(event));
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      this.consumed = this.events.length;
      waiter.resolve(event);
    }
  }
}
