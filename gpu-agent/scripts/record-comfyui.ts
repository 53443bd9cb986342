/**
 * Records what a real ComfyUI says to the runner, for the fixtures in test/fixtures/comfyui/recorded/.
 * Not run in CI (ComfyUI is not on any registry): run it by hand after bringing ComfyUI's public
 * repository to COMFYUI_DIR with a venv in COMFYUI_DIR/.venv (torch 2.9.1 CPU wheels, its
 * requirements, `requests`) and a random-weight SD 1.5 checkpoint in models/checkpoints
 * (scripts/make-random-sd15.py). It starts ComfyUI itself on a free port (so it can restart it)
 * and writes one JSON file per scenario, named by ComfyUI's version:
 *
 *   COMFYUI_DIR=/work/comfyui node --import tsx gpu-agent/scripts/record-comfyui.ts [scenario…]
 *
 * Every HTTP exchange (method, path, request body, status, content type, response body) and every
 * websocket frame (text as JSON, binary as base64 with its event type) is kept with its time since
 * the scenario began.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import WebSocket from 'ws';
import { DEFAULT_WORKFLOWS_DIR } from '../src/runners/comfyui/runner.js';
import { fillWorkflow, loadTemplate } from '../src/runners/comfyui/workflow.js';

const dir = process.env.COMFYUI_DIR;
if (!dir) throw new Error('set COMFYUI_DIR to a ComfyUI checkout with a .venv');
const CHECKPOINT = process.env.COMFYUI_CHECKPOINT ?? 'random-sd15.safetensors';
const out = fileURLToPath(new URL('../test/fixtures/comfyui/recorded/', import.meta.url));

type Exchange =
  | { t: number; kind: 'http'; method: string; path: string; request?: unknown; status: number; contentType: string | null; response: unknown }
  | { t: number; kind: 'ws-text'; message: unknown }
  | { t: number; kind: 'ws-binary'; eventType: number; bytes: number; base64: string }
  | { t: number; kind: 'note'; text: string };

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const base = `http://127.0.0.1:${port}`;
let comfy: ChildProcess | undefined;

async function startComfy(): Promise<void> {
  comfy = spawn(
    join(dir!, '.venv/bin/python'),
    ['main.py', '--cpu', '--listen', '127.0.0.1', '--port', String(port), '--disable-auto-launch', '--preview-method', 'auto'],
    { cwd: dir, stdio: 'ignore' },
  );
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/system_stats`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('ComfyUI did not start within 5 minutes');
}

function killComfy(): Promise<void> {
  const c = comfy;
  comfy = undefined;
  if (!c || c.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    c.once('exit', () => r());
    c.kill('SIGKILL');
  });
}

class Recorder {
  readonly log: Exchange[] = [];
  private readonly t0 = performance.now();
  ws?: WebSocket;
  private waiters: ((m: { type: string; data: Record<string, unknown> }) => void)[] = [];

  t(): number {
    return Math.round(performance.now() - this.t0);
  }

  note(text: string): void {
    this.log.push({ t: this.t(), kind: 'note', text });
  }

  async http(method: string, path: string, request?: unknown, form?: FormData): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${base}${path}`, {
      method,
      ...(form ? { body: form } : request !== undefined ? { body: JSON.stringify(request), headers: { 'content-type': 'application/json' } } : {}),
    });
    const contentType = res.headers.get('content-type');
    const bytes = Buffer.from(await res.arrayBuffer());
    let body: unknown;
    if (contentType?.includes('json')) body = JSON.parse(bytes.toString('utf8') || 'null');
    else if (contentType?.startsWith('text/')) body = bytes.toString('utf8');
    else body = { base64: bytes.toString('base64'), bytes: bytes.length };
    this.log.push({
      t: this.t(),
      kind: 'http',
      method,
      path,
      ...(form ? { request: '(multipart form)' } : request !== undefined ? { request } : {}),
      status: res.status,
      contentType,
      response: body,
    });
    return { status: res.status, body };
  }

  async connect(clientId: string): Promise<void> {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?clientId=${clientId}`);
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      const buf = data as Buffer;
      if (isBinary) {
        this.log.push({ t: this.t(), kind: 'ws-binary', eventType: buf.readUInt32BE(0), bytes: buf.length, base64: buf.toString('base64') });
        return;
      }
      const message = JSON.parse(buf.toString('utf8')) as { type: string; data: Record<string, unknown> };
      this.log.push({ t: this.t(), kind: 'ws-text', message });
      for (const w of this.waiters) w(message);
    });
    ws.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  until(pred: (m: { type: string; data: Record<string, unknown> }) => boolean, timeoutMs = 20 * 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a websocket message')), timeoutMs);
      const w = (m: { type: string; data: Record<string, unknown> }) => {
        if (!pred(m)) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve();
      };
      this.waiters.push(w);
    });
  }

  close(): void {
    this.ws?.terminate();
  }
}

const done = (id: string) => (m: { type: string; data: Record<string, unknown> }) => m.type === 'executing' && m.data.node === null && m.data.prompt_id === id;

function imageOnly(image: string, prefix = 'hearth/rec') {
  return {
    '1': { class_type: 'LoadImage', inputs: { image }, _meta: { title: 'hearth:image' } },
    '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'bilinear', width: 96, height: 64, crop: 'disabled' } },
    '3': { class_type: 'ImageBlur', inputs: { image: ['2', 0], blur_radius: 2, sigma: 1 } },
    '4': { class_type: 'SaveImage', inputs: { images: ['3', 0], filename_prefix: prefix }, _meta: { title: 'hearth:output' } },
  };
}

/** Hearth's own templates, filled as the runner fills them, so replays match the runner's node ids. */
async function textToImage(size: number, steps: number, ckpt = CHECKPOINT) {
  const t = await loadTemplate(DEFAULT_WORKFLOWS_DIR, 'text-to-image');
  return fillWorkflow(
    t,
    'text-to-image',
    { checkpoint: ckpt, prompt: 'a lighthouse at dawn', negative: '', seed: 1, steps, size: { width: size, height: size }, output: 'hearth/rec' },
    'png',
  ).prompt;
}

async function imageToImage(image: string, steps: number) {
  const t = await loadTemplate(DEFAULT_WORKFLOWS_DIR, 'image-to-image');
  return fillWorkflow(
    t,
    'image-to-image',
    { checkpoint: CHECKPOINT, image, prompt: 'as a watercolour', negative: '', seed: 2, steps, denoise: 0.6, output: 'hearth/rec' },
    'png',
  ).prompt;
}

async function uploadPhoto(r: Recorder): Promise<string> {
  const png = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#d86' } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.append('image', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'hearth-photo.png');
  form.append('type', 'input');
  form.append('overwrite', 'true');
  const up = await r.http('POST', '/upload/image', undefined, form);
  return (up.body as { name: string }).name;
}

async function run(r: Recorder, prompt: unknown, clientId: string, id: string): Promise<void> {
  const finished = r.until(done(id));
  await r.http('POST', '/prompt', { prompt, client_id: clientId, prompt_id: id });
  await finished;
  const history = await r.http('GET', `/history/${id}`);
  const outputs =
    (history.body as Record<string, { outputs: Record<string, { images?: { filename: string; subfolder: string; type: string }[] }> }>)[id]?.outputs ?? {};
  for (const o of Object.values(outputs)) for (const f of o.images ?? []) await r.http('GET', `/view?${new URLSearchParams(f)}`);
}

const scenarios: Record<string, (r: Recorder) => Promise<void>> = {
  async info(r) {
    await r.http('GET', '/system_stats');
    await r.http('GET', '/queue');
    await r.http('GET', '/history/00000000-0000-4000-8000-000000000000');
    // Every node Hearth's templates use, for the workflow-import check.
    const nodes = [
      'CheckpointLoaderSimple',
      'EmptyLatentImage',
      'CLIPTextEncode',
      'KSampler',
      'VAEDecode',
      'VAEEncode',
      'LoadImage',
      'ImageScale',
      'ImageBlur',
      'SaveImage',
      'ImageScaleToTotalPixels',
      'UNETLoader',
      'CLIPLoader',
      'VAELoader',
      'ModelSamplingSD3',
      'Wan22ImageToVideoLatent',
      'CreateVideo',
      'SaveAnimatedWEBP',
      'SaveVideo',
    ];
    for (const node of nodes) await r.http('GET', `/object_info/${node}`);
  },
  async 'image-only'(r) {
    const clientId = 'hearth-rec-image';
    await r.connect(clientId);
    const image = await uploadPhoto(r);
    await run(r, imageOnly(image), clientId, '11111111-1111-4111-8111-111111111111');
  },
  async 'sd15-ksampler'(r) {
    const clientId = 'hearth-rec-sd15';
    await r.connect(clientId);
    await run(r, await textToImage(256, 3), clientId, '22222222-2222-4222-8222-222222222222');
  },
  async 'sd15-img2img'(r) {
    const clientId = 'hearth-rec-img2img';
    await r.connect(clientId);
    const image = await uploadPhoto(r);
    await run(r, await imageToImage(image, 3), clientId, '77777777-7777-4777-8777-777777777777');
  },
  async rejected(r) {
    await r.http('POST', '/prompt', {
      prompt: { '1': { class_type: 'NoSuchNode', inputs: {} } },
      client_id: 'x',
      prompt_id: '33333333-3333-4333-8333-333333333331',
    });
    await r.http('POST', '/prompt', {
      prompt: await textToImage(256, 1, 'missing.safetensors'),
      client_id: 'x',
      prompt_id: '33333333-3333-4333-8333-333333333332',
    });
    const noImage = imageOnly('hearth-photo.png') as Record<string, { inputs: Record<string, unknown> }>;
    delete noImage['2']!.inputs.width;
    await r.http('POST', '/prompt', { prompt: noImage, client_id: 'x', prompt_id: '33333333-3333-4333-8333-333333333333' });
    await r.http('POST', '/prompt', { client_id: 'x' });
  },
  async 'execution-error'(r) {
    const clientId = 'hearth-rec-error';
    await r.connect(clientId);
    const image = await uploadPhoto(r);
    const id = '44444444-4444-4444-8444-444444444444';
    const finished = r.until(done(id));
    // SaveImage refuses to write outside the output folder: a real execution_error.
    await r.http('POST', '/prompt', { prompt: imageOnly(image, '../../outside'), client_id: clientId, prompt_id: id });
    await finished;
    await r.http('GET', `/history/${id}`);
  },
  async interrupt(r) {
    const clientId = 'hearth-rec-interrupt';
    await r.connect(clientId);
    const id = '55555555-5555-4555-8555-555555555555';
    const stepped = r.until((m) => m.type === 'progress' && m.data.prompt_id === id);
    const finished = r.until(done(id));
    await r.http('POST', '/prompt', { prompt: await textToImage(256, 10), client_id: clientId, prompt_id: id });
    await stepped;
    await r.http('POST', '/interrupt', { prompt_id: id });
    // How long the prompt stays in queue_running after the interrupt.
    while (!r.log.some((e) => e.kind === 'ws-text' && done(id)(e.message as { type: string; data: Record<string, unknown> }))) {
      await r.http('GET', '/queue');
      await new Promise((res) => setTimeout(res, 500));
    }
    await finished;
    await r.http('GET', '/queue');
    await r.http('GET', `/history/${id}`);
  },
  async restart(r) {
    const clientId = 'hearth-rec-restart';
    await r.connect(clientId);
    const id = '66666666-6666-4666-8666-666666666666';
    const stepped = r.until((m) => m.type === 'progress' && m.data.prompt_id === id);
    await r.http('POST', '/prompt', { prompt: await textToImage(256, 10), client_id: clientId, prompt_id: id });
    await stepped;
    r.note('ComfyUI killed (SIGKILL) mid-job and started again');
    r.close();
    await killComfy();
    await startComfy();
    await r.connect(clientId);
    await r.http('GET', `/history/${id}`);
    await r.http('GET', '/queue');
    await new Promise((res) => setTimeout(res, 1000));
  },
};

await mkdir(out, { recursive: true });
await startComfy();
try {
  const version = ((await (await fetch(`${base}/system_stats`)).json()) as { system: { comfyui_version: string } }).system.comfyui_version;
  const wanted = process.argv.slice(2);
  for (const [name, scenario] of Object.entries(scenarios)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const r = new Recorder();
    process.stderr.write(`recording ${name}…\n`);
    await scenario(r);
    r.close();
    const file = join(out, `${version}-${name}.json`);
    await writeFile(
      file,
      `${JSON.stringify({ comfyui: version, scenario: name, recorded: new Date().toISOString(), by: 'gpu-agent/scripts/record-comfyui.ts', exchanges: r.log }, null, 1)}\n`,
    );
    process.stderr.write(`  ${r.log.length} exchanges → ${file}\n`);
  }
} finally {
  await killComfy();
}
