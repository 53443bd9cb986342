/**
 * What a chat server's error body says, in a line a person can read, and whether trying again
 * can help. Real servers differ (seen against llama.cpp's server and llama-cpp-python 0.3.36):
 *   llama-server        400 {"error":{"code":400,"message":"…","type":"invalid_request_error"}}
 *   llama-cpp-python    500 {"error":{"message":"<Python traceback> … Input should be …","type":"internal_server_error"}}
 *   OpenAI, vLLM        {"error":{"message":…}}, older vLLM {"object":"error","message":…}
 *   Ollama              {"error":"…"}
 * The short line goes to the family; the whole body goes to the agent's log.
 */

/** `{"error":{"message":…}}`, `{"error":"…"}` or `{"object":"error","message":…}`: the message, else undefined. */
export function errorMessageOf(obj: unknown): string | undefined {
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as { error?: unknown; object?: unknown; message?: unknown };
  if (typeof o.error === 'string') return o.error;
  if (o.error && typeof o.error === 'object') {
    const m = (o.error as { message?: unknown }).message;
    return typeof m === 'string' ? m : JSON.stringify(o.error);
  }
  if (o.object === 'error' && typeof o.message === 'string') return o.message;
  return undefined;
}

/** The error body's message, whole (for the log). */
export function errorBodyMessage(body: string): string {
  try {
    return errorMessageOf(JSON.parse(body)) ?? body;
  } catch {
    return body;
  }
}

const TRACEBACK = /Traceback \(most recent call last\)|File "[^"]+", line \d+/;
/** Pydantic's validation message (`Input should be 'text' or 'json_object'`, `Field required`). */
const VALIDATION = /(Input should be [^\n\]}]*|Field required|Extra inputs are not permitted|value is not a valid [a-z]+)/;

/** One short line: the validation message if there is one, else the last line of a traceback, else the message. */
export function shortError(message: string): string {
  const validation = VALIDATION.exec(message);
  let line: string;
  if (validation) {
    const field = /'loc':\s*\(([^)]*)\)|"loc":\s*\[([^\]]*)\]/.exec(message);
    const where = field ? (field[1] ?? field[2] ?? '').replace(/['"\s]/g, '').replace(/,/g, '.') : '';
    line = `${where ? `${where}: ` : ''}${validation[1]!.replace(/[",]+$/, '').trim()}`;
  } else if (TRACEBACK.test(message)) {
    const lines = message
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    line = lines.at(-1) ?? 'internal error';
  } else line = message.split('\n')[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Whether an HTTP error may pass on a retry: a busy or restarting server (429, 502–504, 408) or a
 * plain 500 yes; a refusal of the request itself no — any other 4xx, and a 5xx that is really a
 * validation error of what we sent (llama-cpp-python answers those with 500).
 */
export function retryableStatus(status: number, message: string): boolean {
  if (status === 429 || status === 408) return true;
  if (status < 500) return false;
  return !VALIDATION.test(message) && !/response_format|json_schema/.test(message);
}

/** The request's structured-output field was refused (so a simpler way of asking may work). */
export function refusesResponseFormat(status: number, message: string): boolean {
  return status >= 400 && status !== 429 && /response_format|json_schema|json_object|'text' or/.test(message);
}
