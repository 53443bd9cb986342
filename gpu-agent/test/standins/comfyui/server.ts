/**
 * ComfyUI stand-in for tests: speaks ComfyUI 0.3.64's HTTP + websocket protocol, building every
 * message from the recorded templates in test/fixtures/comfyui/. It validates the API-format
 * workflow like execution.validate_prompt (unknown nodes, missing inputs, combo values such as
 * model and uploaded file names), "executes" the nodes that outputs depend on in dependency
 * order with the real message sequence, sends binary JPEG previews during sampling and writes
 * real PNG/WebP files (sharp) that /history and /view return.
 *
 * Scriptable per next prompt (`standin.next = {...}`): an execution_error at a node class, a
 * malformed /history, dropping the websocket mid-run (and refusing reconnects for a while), slow
 * steps. `down()` / `up()` stop and start answering on the same port; `restart()` is what a real
 * ComfyUI restart does: the process dies (queue, history and the running prompt are forgotten,
 * nothing executes any more) and a fresh one answers on the same port. `interruptLagMs` is how
 * long a real ComfyUI goes on with the current step or node after an interrupt (seen: 12.8 s for
 * a 2048² node on the CPU), during which the prompt stays in /queue's queue_running.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import sharp from 'sharp';
import { WebSocketServer, type WebSocket } from 'ws';
import { fill, loadFixture } from './template.js';

const WS = loadFixture(new URL('../../fixtures/comfyui/ws-messages.json', import.meta.url));
/** `/object_info/<node>` answers recorded from a real ComfyUI 0.3.64 (scripts/record-comfyui.ts, scenario "info"). */
const OBJECT_INFO: Record<string, { input: { required: Record<string, unknown[]> } }> = Object.assign(
  {},
  ...(
    JSON.parse(readFileSync(new URL('../../fixtures/comfyui/recorded/0.3.64-info.json', import.meta.url), 'utf8')) as {
      exchanges: Array<{ path?: string; response?: unknown }>;
    }
  ).exchanges
    .filter((e) => e.path?.startsWith('/object_info/'))
    .map((e) => e.response as object),
);
const HTTP = loadFixture(new URL('../../fixtures/comfyui/http.json', import.meta.url));

type Node = { class_type?: unknown; inputs?: Record<string, unknown>; _meta?: unknown };
type Workflow = Record<string, Node>;

interface NodeSpec {
  required: string[];
  output?: boolean;
  combos?: Record<string, (s: ComfyStandin) => string[]>;
}

/** The core nodes Hearth's templates use, with the inputs ComfyUI requires of them. */
const NODES: Record<string, NodeSpec> = {
  CheckpointLoaderSimple: { required: ['ckpt_name'], combos: { ckpt_name: (s) => s.models.checkpoints } },
  UNETLoader: { required: ['unet_name', 'weight_dtype'], combos: { unet_name: (s) => s.models.diffusion_models } },
  CLIPLoader: { required: ['clip_name', 'type'], combos: { clip_name: (s) => s.models.text_encoders } },
  VAELoader: { required: ['vae_name'], combos: { vae_name: (s) => s.models.vae } },
  EmptyLatentImage: { required: ['width', 'height', 'batch_size'] },
  CLIPTextEncode: { required: ['text', 'clip'] },
  KSampler: { required: ['model', 'seed', 'steps', 'cfg', 'sampler_name', 'scheduler', 'positive', 'negative', 'latent_image', 'denoise'] },
  VAEDecode: { required: ['samples', 'vae'] },
  VAEEncode: { required: ['pixels', 'vae'] },
  LoadImage: { required: ['image'], combos: { image: (s) => [...s.inputs.keys()] } },
  ImageScaleToTotalPixels: { required: ['image', 'upscale_method', 'megapixels'] },
  ModelSamplingSD3: { required: ['model', 'shift'] },
  Wan22ImageToVideoLatent: { required: ['vae', 'width', 'height', 'length', 'batch_size'] },
  CreateVideo: { required: ['images', 'fps'] },
  SaveImage: { required: ['images', 'filename_prefix'], output: true },
  PreviewImage: { required: ['images'], output: true },
  SaveAnimatedWEBP: { required: ['images', 'filename_prefix', 'fps', 'lossless', 'quality', 'method'], output: true },
  SaveVideo: { required: ['video', 'filename_prefix', 'format', 'codec'], output: true },
};

export interface NextRun {
  /** Raise an execution_error when a node of this class runs. */
  failAt?: { classType: string; exceptionType: string; message: string };
  /** Close every websocket after this many sampler steps… */
  dropWsAfterStep?: number;
  /** …and refuse websocket connections for this long (at most until the run ends). */
  refuseWsMs?: number;
  /** Answer /history with outputs that are not lists of files. */
  malformedHistory?: boolean;
}

interface Queued {
  number: number;
  promptId: string;
  prompt: Workflow;
  clientId?: string;
  outputs: string[];
  script: NextRun;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** When it arrived (Date.now()). */
  at: number;
  body?: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ComfyStandin {
  url = '';
  port = 0;
  stepDelayMs = 30;
  nodeDelayMs = 2;
  interruptLagMs = 0;
  next: NextRun = {};
  readonly requests: RecordedRequest[] = [];
  readonly inputs = new Map<string, Buffer>();
  readonly models = {
    checkpoints: ['sd_xl_base_1.0.safetensors', 'v1-5-pruned-emaonly.safetensors'],
    diffusion_models: ['wan2.2_ti2v_5B_fp16.safetensors'],
    text_encoders: ['umt5_xxl_fp8_e4m3fn_scaled.safetensors'],
    vae: ['wan2.2_vae.safetensors'],
  };
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly history = new Map<string, Record<string, unknown>>();
  private readonly queue: Queued[] = [];
  private running?: Queued & { lastNode?: string; interrupted: boolean };
  private sockets = new Map<string, WebSocket>();
  private server?: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private number = 0;
  private refuseWsUntil = 0;
  private preview?: Buffer;
  private worker?: Promise<void>;
  /** Bumped by restart(): an execution of an older process stops at its next step. */
  private life = 0;

  async start(port = 0): Promise<this> {
    // A real ComfyUI 0.3.64 sends 512-px JPEG previews of ~80 KB (noise from a random-weight model looks like this).
    this.preview ??= await sharp({ create: { width: 512, height: 512, channels: 3, background: '#3a7', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
      .jpeg({ quality: 90 })
      .toBuffer();
    await this.listen(port);
    return this;
  }

  async stop(): Promise<void> {
    await this.down();
    this.wss.close();
  }

  /** Stop answering: close the listening socket, every connection and websocket. */
  async down(): Promise<void> {
    for (const ws of this.sockets.values()) ws.terminate();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }

  async up(): Promise<void> {
    await this.listen(this.port);
  }

  /** A real restart: everything in memory is gone, then the server answers again on the same port. */
  async restart(downMs = 0): Promise<void> {
    await this.down();
    this.life++;
    this.queue.length = 0;
    this.running = undefined;
    this.worker = undefined;
    this.history.clear();
    this.number = 0;
    await sleep(downMs);
    await this.up();
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    this.url = `http://127.0.0.1:${this.port}`;
    this.server = server;
  }

  // ---- websocket ----

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/ws' || Date.now() < this.refuseWsUntil) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // server.py: reuse the clientId the client gives, else make one.
      const sid = url.searchParams.get('clientId') || crypto.randomUUID().replaceAll('-', '');
      this.sockets.get(sid)?.terminate();
      this.sockets.set(sid, ws);
      ws.on('close', () => {
        if (this.sockets.get(sid) === ws) this.sockets.delete(sid);
      });
      ws.on('error', () => {});
      this.send(sid, fill(WS.status, { queue_remaining: this.remaining(), sid }));
      // "On reconnect if we are the currently executing client send the current node"
      if (this.running?.clientId === sid && this.running.lastNode) this.send(sid, fill(WS.executing_reconnect, { node: this.running.lastNode }));
    });
  }

  private send(sid: string | undefined, message: unknown): void {
    const targets = sid === undefined ? [...this.sockets.values()] : [this.sockets.get(sid)].filter((w): w is WebSocket => !!w);
    for (const ws of targets) if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  }

  private sendBinary(sid: string | undefined, bytes: Buffer): void {
    const ws = sid === undefined ? undefined : this.sockets.get(sid);
    if (ws?.readyState === ws?.OPEN) ws?.send(bytes, { binary: true });
  }

  private remaining(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown;
    if (raw.length && contentType.startsWith('application/json')) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return json(res, 400, { error: 'invalid json' });
      }
    }
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, at: Date.now(), ...(body !== undefined ? { body } : {}) });
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /prompt') return this.postPrompt(res, body);
    if (route === 'GET /system_stats') return json(res, 200, HTTP.system_stats);
    if (route === 'GET /object_info') return json(res, 200, this.objectInfo());
    if (req.method === 'GET' && url.pathname.startsWith('/object_info/')) {
      const name = decodeURIComponent(url.pathname.slice('/object_info/'.length));
      const all = this.objectInfo();
      return json(res, 200, name in all ? { [name]: all[name] } : {});
    }
    if (req.method === 'GET' && url.pathname.startsWith('/history/')) {
      const id = decodeURIComponent(url.pathname.slice('/history/'.length));
      const entry = this.history.get(id);
      return json(res, 200, entry ? { [id]: entry } : {});
    }
    if (route === 'GET /view') return this.view(res, url);
    if (route === 'POST /upload/image') return this.upload(res, raw, contentType);
    if (route === 'POST /interrupt') {
      const pid = (body as { prompt_id?: unknown } | undefined)?.prompt_id;
      if (this.running && (!pid || pid === this.running.promptId)) this.running.interrupted = true;
      return empty(res);
    }
    if (route === 'GET /queue') {
      // server.py get_queue: [number, prompt_id, prompt, extra_data, outputs_to_execute] per item.
      const item = (q: Queued) => [q.number, q.promptId, q.prompt, q.clientId ? { client_id: q.clientId } : {}, q.outputs];
      return json(res, 200, { queue_running: this.running ? [item(this.running)] : [], queue_pending: this.queue.map(item) });
    }
    if (route === 'POST /queue') {
      const del = (body as { delete?: unknown } | undefined)?.delete;
      if (Array.isArray(del)) for (const id of del) this.dropQueued(String(id));
      return empty(res);
    }
    if (route === 'POST /free') return empty(res);
    res.writeHead(404).end();
  }

  /** The recorded node descriptions of the nodes this stand-in knows, their file lists (combos) as it has them now. */
  objectInfo(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(NODES)) {
      const recorded = OBJECT_INFO[name];
      if (!recorded) continue;
      const info = structuredClone(recorded);
      for (const [input, list] of Object.entries(spec.combos ?? {})) {
        const entry = info.input.required[input];
        if (entry) entry[0] = list(this);
      }
      out[name] = info;
    }
    return out;
  }

  private dropQueued(id: string): void {
    const i = this.queue.findIndex((q) => q.promptId === id);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.send(undefined, fill(WS.status_update, { queue_remaining: this.remaining() }));
    }
  }

  private postPrompt(res: ServerResponse, body: unknown): void {
    const data = (body ?? {}) as { prompt?: unknown; client_id?: unknown; prompt_id?: unknown };
    if (!('prompt' in data) || !data.prompt || typeof data.prompt !== 'object') return json(res, 400, HTTP.prompt_no_prompt);
    const prompt = data.prompt as Workflow;
    const invalid = this.validate(prompt);
    if (invalid) return json(res, 400, invalid);
    const outputs = this.goodOutputs(prompt);
    if (!outputs.good.length) {
      const details = outputs.errors.map(([, e]) => `${(e as { message: string }).message}: ${(e as { details: string }).details}`).join('\n');
      return json(res, 400, fill(HTTP.prompt_failed_validation, { details, node_errors: outputs.nodeErrors }));
    }
    const promptId = typeof data.prompt_id === 'string' ? data.prompt_id : crypto.randomUUID();
    const number = this.number++;
    this.queue.push({
      number,
      promptId,
      prompt,
      clientId: typeof data.client_id === 'string' ? data.client_id : undefined,
      outputs: outputs.good,
      script: this.next,
    });
    this.next = {};
    this.send(undefined, fill(WS.status_update, { queue_remaining: this.remaining() }));
    json(res, 200, fill(HTTP.prompt_accepted, { prompt_id: promptId, number }));
    this.worker ??= this.work().finally(() => (this.worker = undefined));
  }

  /** execution.validate_prompt's first pass: every node has a known class_type; some node is an output. */
  private validate(prompt: Workflow): unknown {
    let outputs = 0;
    for (const [id, node] of Object.entries(prompt)) {
      if (!node || typeof node !== 'object' || typeof node.class_type !== 'string') {
        return fill(HTTP.prompt_invalid, { message: 'Cannot execute because a node is missing the class_type property.', details: `Node ID '#${id}'` });
      }
      const spec = NODES[node.class_type];
      if (!spec) return fill(HTTP.prompt_invalid, { message: `Cannot execute because node ${node.class_type} does not exist.`, details: `Node ID '#${id}'` });
      if (spec.output) outputs++;
    }
    return outputs ? undefined : HTTP.prompt_no_outputs;
  }

  /** validate_inputs for each output's dependency tree; outputs with any bad node are dropped. */
  private goodOutputs(prompt: Workflow) {
    const nodeErrors: Record<string, unknown> = {};
    const errors: [string, unknown][] = [];
    const good: string[] = [];
    for (const [outId, out] of Object.entries(prompt)) {
      if (!NODES[out.class_type as string]?.output) continue;
      let ok = true;
      for (const id of this.order(prompt, [outId])) {
        const node = prompt[id]!;
        const spec = NODES[node.class_type as string]!;
        const nodeErrs: unknown[] = [];
        for (const input of spec.required) {
          const v = node.inputs?.[input];
          if (v === undefined) nodeErrs.push(fill(HTTP.required_input_missing, { input_name: input }));
          else if (spec.combos?.[input] && !spec.combos[input](this).includes(String(v))) {
            const list = spec.combos[input](this);
            nodeErrs.push(
              fill(HTTP.value_not_in_list, { details: `${input}: '${String(v)}' not in ${JSON.stringify(list)}`, input_name: input, received_value: v }),
            );
          }
        }
        if (nodeErrs.length) {
          ok = false;
          const existing = nodeErrors[id] as { dependent_outputs: string[] } | undefined;
          if (existing) existing.dependent_outputs.push(outId);
          else nodeErrors[id] = fill(HTTP.node_error, { errors: nodeErrs, dependent_outputs: [outId], class_type: node.class_type });
          for (const e of nodeErrs) errors.push([outId, e]);
        }
      }
      if (ok) good.push(outId);
    }
    return { good, errors, nodeErrors };
  }

  /** Dependencies first (ComfyUI's ExecutionList runs a node after the nodes it links to). */
  private order(prompt: Workflow, outputs: string[]): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const visit = (id: string) => {
      if (seen.has(id) || !prompt[id]) return;
      seen.add(id);
      for (const v of Object.values(prompt[id]!.inputs ?? {})) if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') visit(v[0]);
      out.push(id);
    };
    outputs.forEach(visit);
    return out;
  }

  // ---- execution ----

  private async work(): Promise<void> {
    const life = this.life;
    for (let item = this.queue.shift(); item && life === this.life; item = this.queue.shift()) {
      this.running = { ...item, interrupted: false };
      this.send(undefined, fill(WS.status_update, { queue_remaining: this.remaining() }));
      await this.execute(this.running);
      if (life !== this.life) return; // restarted meanwhile: that process is gone
      this.running = undefined;
      this.send(undefined, fill(WS.status_update, { queue_remaining: this.remaining() }));
    }
  }

  private async execute(run: Queued & { lastNode?: string; interrupted: boolean }): Promise<void> {
    const { promptId: prompt_id, clientId: sid, prompt, script } = run;
    const messages: [string, unknown][] = [];
    // PromptExecutor.add_message: kept for history, sent to the client.
    const addMessage = (name: string, values: Record<string, unknown>) => {
      const m = fill<{ type: string; data: unknown }>(WS[name], { ...values, prompt_id, timestamp: Date.now() });
      messages.push([m.type, m.data]);
      this.send(sid, m);
    };
    addMessage('execution_start', {});
    addMessage('execution_cached', { nodes: [] });
    const outputs: Record<string, unknown> = {};
    const meta: Record<string, unknown> = {};
    const executed: string[] = [];
    let steps = 0;
    let failure: 'error' | 'interrupted' | undefined;
    const life = this.life;

    for (const node of this.order(prompt, run.outputs)) {
      const n = prompt[node]!;
      const classType = n.class_type as string;
      run.lastNode = node;
      this.send(sid, fill(WS.executing, { node, prompt_id }));
      if (script.failAt?.classType === classType) {
        addMessage('execution_error', {
          node,
          node_type: classType,
          executed,
          exception_message: `${script.failAt.message}\n`,
          exception_type: script.failAt.exceptionType,
        });
        failure = 'error';
        break;
      }
      if (classType === 'KSampler') {
        const max = Number(n.inputs?.steps ?? 1);
        for (let value = 1; value <= max; value++) {
          await sleep(this.stepDelayMs);
          if (life !== this.life) return;
          if (run.interrupted) {
            await sleep(this.interruptLagMs);
            break;
          }
          this.send(sid, fill(WS.progress, { value, max, prompt_id, node }));
          this.send(sid, fill(WS.progress_state, { value, max, prompt_id, node }));
          this.sendBinary(sid, Buffer.concat([u32(1), u32(1), this.preview!]));
          steps++;
          if (script.dropWsAfterStep === steps) {
            this.refuseWsUntil = Date.now() + (script.refuseWsMs ?? 0);
            for (const ws of this.sockets.values()) ws.terminate();
          }
        }
      } else {
        await sleep(this.nodeDelayMs);
      }
      if (run.interrupted) {
        addMessage('execution_interrupted', { node, node_type: classType, executed });
        failure = 'interrupted';
        break;
      }
      if (NODES[classType]?.output) {
        const output = await this.save(prompt, n, classType);
        outputs[node] = output;
        meta[node] = fill(HTTP.history_meta, { node });
        this.send(sid, fill(WS.executed, { node, output, prompt_id }));
      }
      executed.push(node);
    }
    if (!failure) addMessage('execution_success', {});
    const history = fill<Record<string, unknown>>(HTTP.history_entry, {
      number: run.number,
      prompt_id,
      prompt,
      extra_data: sid ? { client_id: sid } : {},
      outputs_to_execute: run.outputs,
      outputs: script.malformedHistory ? Object.fromEntries(Object.keys(outputs).map((k) => [k, { images: 'ComfyUI_00001_.png' }])) : outputs,
      status_str: failure ? 'error' : 'success',
      completed: !failure,
      messages,
      meta,
    });
    this.history.set(prompt_id, history);
    this.refuseWsUntil = 0; // a scripted refusal lasts at most until the run ends
    this.send(sid, fill(WS.executing_done, { prompt_id }));
  }

  /** Write what an output node would write, the way folder_paths.get_save_image_path names it. */
  private async save(prompt: Workflow, node: Node, classType: string): Promise<unknown> {
    const prefix = String(node.inputs?.filename_prefix ?? 'ComfyUI');
    const slash = prefix.lastIndexOf('/');
    const subfolder = slash >= 0 ? prefix.slice(0, slash) : '';
    const base = slash >= 0 ? prefix.slice(slash + 1) : prefix;
    const latent = Object.values(prompt).find((p) => p.class_type === 'EmptyLatentImage' || p.class_type === 'Wan22ImageToVideoLatent');
    const width = Math.max(8, Math.round(Number(latent?.inputs?.width ?? 512) / 8));
    const height = Math.max(8, Math.round(Number(latent?.inputs?.height ?? 512) / 8));
    const frames = latent?.class_type === 'Wan22ImageToVideoLatent' ? Number(latent.inputs?.length ?? 1) : 1;
    const image = () => sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
    const files: unknown[] = [];
    const put = (name: string, bytes: Buffer, contentType: string) => {
      this.files.set(`output/${subfolder}/${name}`, { bytes, contentType });
      files.push(fill(HTTP.saved_file, { filename: name, subfolder }));
    };
    let counter = 1;
    const nextName = (ext: string) => `${base}_${String(counter++).padStart(5, '0')}_.${ext}`;
    if (classType === 'SaveImage' || classType === 'PreviewImage') {
      for (let i = 0; i < frames; i++) put(nextName('png'), await image().png().toBuffer(), 'image/png');
      return { images: files };
    }
    if (classType === 'SaveAnimatedWEBP') {
      put(nextName('webp'), await image().webp().toBuffer(), 'image/webp');
      return { images: files, animated: [true] };
    }
    // SaveVideo: an ISO-BMFF header is all the stand-in can honestly offer without an encoder.
    const ftyp = Buffer.from('0000001c667479706973366d0000020069736f6d69736f32617663316d703431', 'hex');
    put(nextName('mp4'), Buffer.concat([ftyp, Buffer.alloc(64)]), 'video/mp4');
    return { images: files, animated: [true] };
  }

  private view(res: ServerResponse, url: URL): void {
    const filename = url.searchParams.get('filename') ?? '';
    if (!filename || filename.startsWith('/') || filename.includes('..')) return void res.writeHead(400).end();
    const type = url.searchParams.get('type') ?? 'output';
    const subfolder = url.searchParams.get('subfolder') ?? '';
    const file = this.files.get(`${type}/${subfolder}/${filename}`);
    if (!file) return void res.writeHead(404).end();
    res
      .writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length, 'content-disposition': `filename="${filename}"` })
      .end(file.bytes);
  }

  private async upload(res: ServerResponse, raw: Buffer, contentType: string): Promise<void> {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return void res.writeHead(400).end();
    }
    const image = form.get('image');
    if (!image || typeof image === 'string' || !image.name) return void res.writeHead(400).end();
    const type = String(form.get('type') ?? 'input');
    const subfolder = String(form.get('subfolder') ?? '');
    const name = image.name;
    const bytes = Buffer.from(await image.arrayBuffer());
    this.inputs.set(subfolder ? `${subfolder}/${name}` : name, bytes);
    this.requests.push({
      method: 'POST',
      path: '/upload/image#file',
      at: Date.now(),
      body: { name, type, overwrite: form.get('overwrite'), size: bytes.length },
    });
    json(res, 200, fill(HTTP.upload, { name, subfolder, type }));
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

function empty(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': 0 }).end();
}
