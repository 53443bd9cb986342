/**
 * STAND-IN for an OpenAI-compatible speech server (OpenAI, Kokoro-FastAPI, LocalAI, Speaches):
 * none of them can run here. Written from OpenAI's published API reference for
 * `POST /v1/audio/speech`, not recorded:
 *   body      {model, input (≤ 4096 chars), voice, instructions?, response_format? (mp3 | opus |
 *             aac | flac | wav | pcm, default mp3), speed? (0.25–4, default 1), stream_format?}
 *   success   200, the audio bytes (content-type audio/wav, audio/mpeg, …)
 *   errors    4xx/5xx `{"error": {"message", "type", "param", "code"}}`; unknown body fields,
 *             missing fields and bad values are 400 invalid_request_error; a wrong key is 401.
 * `GET /v1/audio/voices` answers as Kokoro-FastAPI does (`{"voices": [names]}`) when `listVoices`
 * is on; off, it is OpenAI's 404 for an unknown URL. The speech itself is real: espeak-ng reads
 * the input (rate scaled by `speed`) and ffmpeg converts it to the asked format, so durations and
 * loudness can be measured. `stream_format: "sse"` is not implemented here (400, said so).
 */
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { promisify } from 'node:util';

const run = promisify(execFile);
const FORMATS: Record<string, string> = { mp3: 'audio/mpeg', opus: 'audio/ogg', aac: 'audio/aac', flac: 'audio/flac', wav: 'audio/wav', pcm: 'audio/pcm' };
const FIELDS = new Set(['model', 'input', 'voice', 'instructions', 'response_format', 'speed', 'stream_format']);

interface SpeechRequest {
  body: Record<string, unknown>;
  authorization?: string;
  /** The client closed the connection before the answer was sent (a cancelled job). */
  closedEarly: boolean;
}

export class OpenAiSpeechStandin {
  url = '';
  apiKey?: string;
  /** Kokoro-FastAPI's voice list endpoint; OpenAI itself has none. */
  listVoices = true;
  voices = ['af_bella', 'am_adam', 'bf_emma', 'pl_test'];
  models = ['kokoro', 'tts-1'];
  /** Answers wait until `release()` (to cancel a request while the server "synthesizes"). */
  holding = false;
  /** Every status-5xx answer the next requests get instead of speech (a failing server). */
  readonly failures: number[] = [];
  readonly requests: SpeechRequest[] = [];
  private waiting: Array<() => void> = [];
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res).catch((err: Error) => error(res, 500, err.message, 'server_error')));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  release(): void {
    this.holding = false;
    for (const go of this.waiting.splice(0)) go();
  }

  async stop(): Promise<void> {
    this.release();
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
    if (this.apiKey && req.headers.authorization !== `Bearer ${this.apiKey}`) {
      return error(res, 401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    }
    const route = `${req.method} ${req.url}`;
    if (route === 'GET /v1/audio/voices' && this.listVoices) return send(res, 200, { voices: this.voices });
    if (route !== 'POST /v1/audio/speech') return error(res, 404, `Invalid URL (${route})`, 'invalid_request_error');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    const record: SpeechRequest = { body, authorization: req.headers.authorization, closedEarly: false };
    this.requests.push(record);
    res.on('close', () => (record.closedEarly = !res.writableFinished));

    const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
    if (unknown) return error(res, 400, `Unrecognized request argument supplied: ${unknown}`, 'invalid_request_error', unknown);
    for (const field of ['model', 'input', 'voice']) {
      if (typeof body[field] !== 'string' || !body[field])
        return error(res, 400, `Missing required parameter: '${field}'.`, 'invalid_request_error', field, 'missing_required_parameter');
    }
    const input = body.input as string;
    if (input.length > 4096)
      return error(
        res,
        400,
        `Invalid 'input': string too long. Expected a string with maximum length 4096, but got a string with length ${input.length} instead.`,
        'invalid_request_error',
        'input',
        'string_above_max_length',
      );
    if (!this.models.includes(body.model as string))
      return error(res, 400, `Invalid model '${String(body.model)}'.`, 'invalid_request_error', 'model', 'model_not_found');
    if (!this.voices.includes(body.voice as string))
      return error(
        res,
        400,
        `Invalid value for 'voice': '${String(body.voice)}'. Supported values are: ${this.voices.map((v) => `'${v}'`).join(', ')}.`,
        'invalid_request_error',
        'voice',
        'invalid_value',
      );
    const format = (body.response_format ?? 'mp3') as string;
    if (!(format in FORMATS))
      return error(res, 400, `Invalid value for 'response_format': '${format}'.`, 'invalid_request_error', 'response_format', 'invalid_value');
    const speed = body.speed ?? 1;
    if (typeof speed !== 'number' || speed < 0.25 || speed > 4)
      return error(res, 400, `Invalid 'speed': expected a number between 0.25 and 4.`, 'invalid_request_error', 'speed', 'invalid_value');
    if (body.stream_format === 'sse')
      return error(res, 400, 'stream_format "sse" is not implemented by this stand-in', 'invalid_request_error', 'stream_format');

    if (this.holding) await new Promise<void>((go) => this.waiting.push(go));
    if (res.destroyed) return;
    const failure = this.failures.shift();
    if (failure) return error(res, failure, 'The server had an error while processing your request. Sorry about that!', 'server_error');
    const audio = await speak(input, (body.voice as string).startsWith('pl') ? 'pl' : 'en', speed, format);
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': FORMATS[format]!, 'content-length': audio.length }).end(audio);
  }
}

/** espeak-ng's speech (175 words a minute at speed 1), as `format`. */
async function speak(text: string, language: string, speed: number, format: string): Promise<Buffer> {
  const espeak = run('espeak-ng', ['-v', language, '-s', String(Math.round(175 * speed)), '--stdout', text], { encoding: 'buffer', maxBuffer: 256 << 20 });
  const wav = (await espeak).stdout;
  if (format === 'wav') return wav;
  const args = format === 'pcm' ? ['-f', 's16le', '-ar', '24000', '-ac', '1'] : ['-f', format === 'opus' ? 'ogg' : format === 'aac' ? 'adts' : format];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'ffmpeg',
      ['-v', 'error', '-i', 'pipe:0', ...(format === 'opus' ? ['-c:a', 'libopus'] : []), ...args, 'pipe:1'],
      { encoding: 'buffer', maxBuffer: 256 << 20 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
    child.stdin?.end(wav);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function error(res: ServerResponse, status: number, message: string, type: string, param: string | null = null, code: string | null = null): void {
  if (!res.headersSent) send(res, status, { error: { message, type, param, code } });
}
