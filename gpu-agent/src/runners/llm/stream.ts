/** Line and server-sent-event readers over a fetch body, bounded so a runaway server cannot eat memory. */

const MAX_LINE = 1024 * 1024;

export async function* lines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        yield buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
      }
      if (buffer.length > MAX_LINE) throw new Error('the server sent a line longer than 1 MiB');
    }
  } finally {
    // Stopping early (an error line, a bad chunk) must close the connection, not leave it streaming.
    void reader.cancel().catch(() => {});
  }
  buffer += decoder.decode();
  if (buffer) yield buffer;
}

export interface SseEvent {
  event: string;
  data: string;
}

/** Server-sent events (WHATWG HTML §9.2): `event:`/`data:` fields, `:` comments, a blank line ends an event. */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  let event = '';
  let data: string[] = [];
  for await (const line of lines(body)) {
    if (line === '') {
      if (data.length) yield { event: event || 'message', data: data.join('\n') };
      event = '';
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  if (data.length) yield { event: event || 'message', data: data.join('\n') };
}
