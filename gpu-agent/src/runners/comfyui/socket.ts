/**
 * One job's websocket to ComfyUI (`/ws?clientId=…`). ComfyUI sends a prompt's progress only to
 * the socket whose clientId queued it, so each job has its own clientId. If the socket drops,
 * it reconnects with the same clientId (ComfyUI then resends the node being executed) until
 * closed; the runner meanwhile polls /history so a finished prompt is never missed.
 */
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { Value } from '@sinclair/typebox/value';
import { backoffDelay } from '@hearth/protocol';
import { WsEnvelope, parseBinaryFrame, type PreviewFrame } from './protocol.js';

export interface ComfySocketEvents {
  message: [{ type: string; data: Record<string, unknown> }];
  preview: [PreviewFrame];
  open: [];
  down: [Error];
}

const MAX_FRAME = 16 * 1024 * 1024;

export class ComfySocket extends EventEmitter<ComfySocketEvents> {
  private ws?: WebSocket;
  private closed = false;
  /** Reconnects since the socket was last open (shared backoff: 200 ms doubling to 2 s, with jitter). */
  private retries = 0;
  private retryTimer?: NodeJS.Timeout;
  connected = false;

  constructor(private readonly url: string) {
    super();
  }

  /** Resolves on the first successful connection; rejects if the first attempt fails. */
  open(signal: AbortSignal, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        cleanup();
        this.close();
        reject(err);
      };
      const onAbort = () => fail(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => fail(new Error(`no websocket answer from ComfyUI in ${timeoutMs} ms`)), timeoutMs);
      const onOpen = () => {
        cleanup();
        resolve();
      };
      const onDown = (err: Error) => fail(err);
      const cleanup = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.off('open', onOpen);
        this.off('down', onDown);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.once('open', onOpen);
      this.once('down', onDown);
      this.connect();
    });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.ws?.removeAllListeners();
    this.ws?.on('error', () => {});
    this.ws?.terminate();
    this.ws = undefined;
    this.connected = false;
  }

  private connect(): void {
    if (this.closed) return;
    const ws = new WebSocket(this.url, { maxPayload: MAX_FRAME, handshakeTimeout: 10_000 });
    this.ws = ws;
    ws.on('open', () => {
      this.connected = true;
      this.retries = 0;
      this.emit('open');
    });
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) {
        const frame = parseBinaryFrame(buf);
        if (frame) this.emit('preview', frame);
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(buf.toString('utf8'));
      } catch {
        return; // ComfyUI only sends JSON text frames; anything else is noise we cannot act on
      }
      if (Value.Check(WsEnvelope, parsed)) this.emit('message', parsed);
    });
    let reported = false;
    const down = (err: Error) => {
      if (reported) return;
      reported = true;
      this.connected = false;
      ws.removeAllListeners();
      ws.on('error', () => {});
      if (this.ws === ws) this.ws = undefined;
      this.emit('down', err);
      if (!this.closed) {
        this.retryTimer = setTimeout(() => this.connect(), backoffDelay(++this.retries, { baseMs: 200, maxMs: 2000 }));
      }
    };
    ws.on('error', (err) => down(err));
    ws.on('close', (code) => down(new Error(`ComfyUI websocket closed (code ${code})`)));
  }
}
