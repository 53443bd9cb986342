import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { Value } from '@sinclair/typebox/value';
import { JobProgress } from '@hearth/protocol';
import { waitFor } from '@hearth/testkit';
import { ComfyUiRunner } from '../src/runners/comfyui/runner.js';
import { JobError } from '../src/runners/runner.js';
import { ComfyStandin } from './standins/comfyui/server.js';
import { recordingContext } from './runner-context.js';

const CHECKPOINT = 'v1-5-pruned-emaonly.safetensors';
const MEDIA = 'a'.repeat(64);

let comfy: ComfyStandin;
let runner: ComfyUiRunner;

beforeAll(async () => {
  comfy = await new ComfyStandin().start();
  runner = new ComfyUiRunner({ settings: { url: comfy.url, checkpoint: CHECKPOINT, previewIntervalMs: 1000 }, historyPollMs: 100 });
});
afterAll(async () => {
  await comfy.stop();
});
beforeEach(() => {
  comfy.stepDelayMs = 20;
  comfy.requests.length = 0;
});

type PromptBody = {
  prompt: Record<string, { class_type: string; inputs: Record<string, unknown>; _meta?: { title?: string } }>;
  client_id: string;
  prompt_id: string;
};
const lastPrompt = () => comfy.requestsTo('/prompt').at(-1)!.body as PromptBody;
const nodeByClass = (p: PromptBody, cls: string) => Object.values(p.prompt).filter((n) => n.class_type === cls);

describe('ComfyUI runner', () => {
  it('generates a picture: progress in order, a throttled preview, the PNG uploaded', async () => {
    const { ctx, progress, uploads } = recordingContext();
    const job = { id: 'job-gen-1', type: 'image.generate' as const, input: { prompt: 'a red fox in snow', width: 512, height: 768, steps: 12, seed: 42 } };
    const t0 = Date.now();
    const result = await runner.run(job, ctx);
    const elapsed = Date.now() - t0;

    expect(result).toEqual({ artifacts: ['image.png'], data: { seed: 42 } });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.contentType).toBe('image/png');
    expect((await sharp(uploads[0]!.bytes).metadata()).format).toBe('png');

    // Parameters reached the nodes found by their title markers.
    const body = lastPrompt();
    expect(body.client_id).toMatch(/^hearth-/);
    expect(body.prompt_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(nodeByClass(body, 'CheckpointLoaderSimple')[0]!.inputs.ckpt_name).toBe(CHECKPOINT);
    expect(nodeByClass(body, 'KSampler')[0]!.inputs).toMatchObject({ seed: 42, steps: 12 });
    expect(nodeByClass(body, 'EmptyLatentImage')[0]!.inputs).toMatchObject({ width: 512, height: 768 });
    const texts = nodeByClass(body, 'CLIPTextEncode').map((n) => n.inputs.text);
    expect(texts).toContain('a red fox in snow');
    expect(nodeByClass(body, 'SaveImage')[0]!.inputs.filename_prefix).toBe('hearth/job-gen-1');

    // Progress: valid per the protocol, never backwards, through sampling steps to done.
    for (const p of progress) expect(Value.Check(JobProgress, p)).toBe(true);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.some((p) => p.stage === 'sampling step 6/12')).toBe(true);
    expect(progress.at(-1)).toEqual({ fraction: 1, stage: 'done' });
    // 12 previews sent (one per step), at most one per second forwarded, each a real JPEG.
    const previews = progress.filter((p) => p.preview);
    expect(previews.length).toBeGreaterThanOrEqual(1);
    expect(previews.length).toBeLessThanOrEqual(1 + Math.floor(elapsed / 1000));
    expect(previews[0]!.preview!.contentType).toBe('image/jpeg');
    const shown = await sharp(Buffer.from(previews[0]!.preview!.data, 'base64')).metadata();
    expect(shown.format).toBe('jpeg');
    // ComfyUI's 512-px previews are downscaled on the agent for the portal (mismatch 5).
    expect(Math.max(shown.width!, shown.height!)).toBeLessThanOrEqual(256);
    expect(previews[0]!.preview!.data.length).toBeLessThan(40_000);
  });

  it('restyles an uploaded photo: fetched bytes reach /upload/image and the LoadImage node', async () => {
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    const { ctx, uploads, fetched } = recordingContext({ [MEDIA]: { bytes: photo, contentType: 'image/png' } });
    const result = await runner.run(
      { id: 'job-sty-1', type: 'image.stylize', input: { mediaId: MEDIA, prompt: 'as a watercolor', strength: 0.45, steps: 8, seed: 7 } },
      ctx,
    );

    expect(fetched).toEqual([MEDIA]);
    expect(result.artifacts).toEqual(['image.png']);
    expect(uploads).toHaveLength(1);
    const uploaded = comfy.requestsTo('/upload/image#file')[0]!.body as { name: string; type: string; overwrite: string };
    expect(uploaded).toMatchObject({ type: 'input', overwrite: 'true' });
    expect(comfy.inputs.get(uploaded.name)).toEqual(photo);
    const body = lastPrompt();
    expect(nodeByClass(body, 'LoadImage')[0]!.inputs.image).toBe(uploaded.name);
    expect(nodeByClass(body, 'KSampler')[0]!.inputs).toMatchObject({ denoise: 0.45, steps: 8, seed: 7 });
  });

  it('cancels mid-run: targeted interrupt and queue delete, no artifact, stops within 2 s', async () => {
    comfy.stepDelayMs = 100;
    const { ctx, controller, progress, uploads } = recordingContext();
    const running = runner.run({ id: 'job-cancel', type: 'image.generate', input: { prompt: 'slow', width: 512, height: 512, steps: 80, seed: 1 } }, ctx);
    const outcome = running.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await waitFor(() => progress.some((p) => p.stage.startsWith('sampling step')), { timeoutMs: 5000, what: 'sampling' });
    const t0 = Date.now();
    controller.abort();
    const err = await outcome;
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('AbortError');
    expect(uploads).toHaveLength(0);
    const promptId = lastPrompt().prompt_id;
    expect(comfy.requestsTo('/interrupt').map((r) => r.body)).toEqual([{ prompt_id: promptId }]);
    expect(
      comfy
        .requestsTo('/queue')
        .filter((r) => r.method === 'POST')
        .map((r) => r.body),
    ).toEqual([{ delete: [promptId] }]);
    // ComfyUI stops the prompt (execution_interrupted) rather than finishing it.
    await waitFor(
      async () => ((await (await fetch(`${comfy.url}/history/${promptId}`)).json()) as Record<string, { status: { status_str: string } }>)[promptId],
      { what: 'history' },
    );
    const history = (await (await fetch(`${comfy.url}/history/${promptId}`)).json()) as Record<
      string,
      { status: { status_str: string; messages: [string][] } }
    >;
    expect(history[promptId]!.status.status_str).toBe('error');
    expect(history[promptId]!.status.messages.map((m) => m[0])).toContain('execution_interrupted');
  });

  it('queues the next job only after ComfyUI has really stopped a cancelled one (mismatch 4)', async () => {
    comfy.stepDelayMs = 100;
    comfy.interruptLagMs = 1500;
    try {
      const first = recordingContext();
      const cancelled = runner
        .run({ id: 'job-a', type: 'image.generate', input: { prompt: 'slow', width: 512, height: 512, steps: 80, seed: 1 } }, first.ctx)
        .catch((e: unknown) => e);
      await waitFor(() => first.progress.some((p) => p.stage.startsWith('sampling step')), { timeoutMs: 5000, what: 'sampling' });
      const a = lastPrompt().prompt_id;
      first.controller.abort();
      expect(((await cancelled) as Error).name).toBe('AbortError');
      const second = recordingContext();
      await runner.run({ id: 'job-b', type: 'image.generate', input: { prompt: 'next', width: 512, height: 512, steps: 2, seed: 2 } }, second.ctx);
      expect(second.progress.some((p) => p.stage === 'waiting for ComfyUI to stop the last job')).toBe(true);
      const history = (await (await fetch(`${comfy.url}/history/${a}`)).json()) as Record<string, { status: { messages: [string, { timestamp: number }][] } }>;
      const stoppedAt = history[a]!.status.messages.find(([type]) => type === 'execution_interrupted')![1].timestamp;
      const posts = comfy.requestsTo('/prompt');
      expect(posts).toHaveLength(2);
      expect(posts[1]!.at).toBeGreaterThanOrEqual(stoppedAt);
    } finally {
      comfy.interruptLagMs = 0;
    }
  });

  it('fails the attempt as retryable when ComfyUI restarts mid-job and forgets it, and is healthy again after (mismatch 1)', async () => {
    comfy.stepDelayMs = 100;
    const { ctx, progress } = recordingContext();
    const running = runner
      .run({ id: 'job-restart', type: 'image.generate', input: { prompt: 'slow', width: 512, height: 512, steps: 80, seed: 1 } }, ctx)
      .catch((e: unknown) => e);
    await waitFor(() => progress.some((p) => p.stage.startsWith('sampling step')), { timeoutMs: 5000, what: 'sampling' });
    await comfy.restart(300);
    const err = await running;
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/ComfyUI lost the job/);
    expect(await runner.healthy()).toBe(true);
  });

  it('turns execution_error into a JobError naming the node type and the exception', async () => {
    comfy.next = { failAt: { classType: 'KSampler', exceptionType: 'torch.OutOfMemoryError', message: 'Allocation on device' } };
    const { ctx, uploads } = recordingContext();
    const err = await runner
      .run({ id: 'job-err', type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 5 } }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toBe('ComfyUI failed in node KSampler (#3): torch.OutOfMemoryError: Allocation on device');
    expect(uploads).toHaveLength(0);
  });

  it('reports malformed /history output clearly', async () => {
    comfy.next = { malformedHistory: true };
    const { ctx, uploads } = recordingContext();
    const err = await runner
      .run({ id: 'job-bad', type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 3 } }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toMatch(/^ComfyUI \/history returned an unexpected answer \(\/[0-9a-f-]+\/outputs\/9\/images: /);
    expect(uploads).toHaveLength(0);
  });

  it('explains a workflow ComfyUI rejects (unknown checkpoint) without retrying', async () => {
    const other = new ComfyUiRunner({ settings: { url: comfy.url, checkpoint: 'missing.safetensors' } });
    const { ctx } = recordingContext();
    const err = await other
      .run({ id: 'job-rej', type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 3 } }, ctx)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(false);
    expect((err as Error).message).toContain('ComfyUI rejected the workflow: Prompt outputs failed validation');
    expect((err as Error).message).toContain("CheckpointLoaderSimple #4: Value not in list: ckpt_name: 'missing.safetensors' not in");
  });

  it('survives the websocket dropping mid-run by polling /history', async () => {
    comfy.next = { dropWsAfterStep: 3, refuseWsMs: 10_000 };
    const { ctx, uploads } = recordingContext();
    const result = await runner.run({ id: 'job-drop', type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 10 } }, ctx);
    expect(result.artifacts).toEqual(['image.png']);
    expect(uploads).toHaveLength(1);
    expect(comfy.requestsTo(`/history/${lastPrompt().prompt_id}`).length).toBeGreaterThan(0);
  });

  it('makes video as mp4, and as PNG frames for the gif runner', async () => {
    const mp4 = recordingContext();
    const r1 = await runner.run({ id: 'job-vid', type: 'video.generate', input: { prompt: 'waves', frames: 16, fps: 8, format: 'mp4', seed: 3 } }, mp4.ctx);
    expect(r1).toEqual({ artifacts: ['video.mp4'], data: { seed: 3, format: 'mp4', fps: 8 } });
    expect(mp4.uploads[0]!.contentType).toBe('video/mp4');
    let body = lastPrompt();
    expect(nodeByClass(body, 'SaveAnimatedWEBP')).toHaveLength(0);
    expect(nodeByClass(body, 'Wan22ImageToVideoLatent')[0]!.inputs).toMatchObject({ length: 17, width: 832, height: 480 });
    expect(nodeByClass(body, 'CreateVideo')[0]!.inputs.fps).toBe(8);

    const gif = recordingContext();
    const r2 = await runner.run({ id: 'job-gif', type: 'video.generate', input: { prompt: 'waves', frames: 8, fps: 10, format: 'gif', seed: 4 } }, gif.ctx);
    expect(r2.artifacts).toEqual(Array.from({ length: 9 }, (_, i) => `frame-${String(i + 1).padStart(3, '0')}.png`));
    expect(r2.data).toMatchObject({ format: 'frames', fps: 10 });
    body = lastPrompt();
    expect(nodeByClass(body, 'SaveVideo')).toHaveLength(0);
    expect(nodeByClass(body, 'SaveAnimatedWEBP')).toHaveLength(0);
  });

  it('is healthy while /system_stats answers, frees VRAM via /free, and fails retryably when ComfyUI is down', async () => {
    expect(await runner.healthy()).toBe(true);
    await runner.freeMemory();
    expect(comfy.requestsTo('/free').map((r) => r.body)).toEqual([{ unload_models: true, free_memory: true }]);
    await comfy.down();
    try {
      expect(await runner.healthy()).toBe(false);
      const { ctx } = recordingContext();
      const err = await runner
        .run({ id: 'job-down', type: 'image.generate', input: { prompt: 'x', width: 512, height: 512, steps: 3 } }, ctx)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobError);
      expect((err as JobError).retryable).toBe(true);
    } finally {
      await comfy.up();
    }
    expect(await runner.healthy()).toBe(true);
  });
});
