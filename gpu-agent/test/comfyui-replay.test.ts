/**
 * The ComfyUI runner against exchanges recorded from a real ComfyUI 0.3.64 on the CPU
 * (scripts/record-comfyui.ts; a random-weight SD 1.5 checkpoint, so the pictures are noise but
 * the sampler, progress, previews, errors and files are the real ones), replayed frame by frame.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import sharp from 'sharp';
import { ComfyUiRunner } from '../src/runners/comfyui/runner.js';
import { JobError } from '../src/runners/runner.js';
import { ComfyReplay, loadRecording } from './standins/comfyui/replay.js';
import { recordingContext } from './runner-context.js';

const VERSION = '0.3.64';
const info = loadRecording(VERSION, 'info');
let replay: ComfyReplay | undefined;
afterEach(async () => {
  await replay?.stop();
  replay = undefined;
});

async function runnerFor(scenario: string, promptAnswer?: number) {
  replay = await new ComfyReplay(loadRecording(VERSION, scenario), info, promptAnswer).start();
  return new ComfyUiRunner({ settings: { url: replay.url, checkpoint: 'random-sd15.safetensors', previewIntervalMs: 100 }, historyPollMs: 100 });
}

const generate = { id: 'job-replay', type: 'image.generate' as const, input: { prompt: 'a lighthouse at dawn', width: 256, height: 256, steps: 3, seed: 1 } };

describe(`ComfyUI runner against recorded ComfyUI ${VERSION}`, () => {
  it('generates: the real sampler progress in order, the real PNG uploaded', async () => {
    const runner = await runnerFor('sd15-ksampler');
    expect(await runner.healthy()).toBe(true);
    const { ctx, progress, uploads } = recordingContext();
    const result = await runner.run(generate, ctx);
    expect(result.artifacts).toEqual(['image.png']);
    const meta = await sharp(uploads[0]!.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 256, 256]);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.filter((p) => p.stage.startsWith('sampling step')).length).toBeGreaterThanOrEqual(1);
    for (const p of progress.filter((x) => x.preview)) {
      const shown = await sharp(Buffer.from(p.preview!.data, 'base64')).metadata();
      expect(Math.max(shown.width!, shown.height!)).toBeLessThanOrEqual(256);
    }
  });

  it('turns the real execution_error into a job error naming the node', async () => {
    const runner = await runnerFor('execution-error');
    const { ctx } = recordingContext();
    const err = await runner.run(generate, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toMatch(/^ComfyUI failed in node SaveImage \(#4\): /);
    expect((err as JobError).retryable).toBe(false);
  });

  it('cancels with a targeted interrupt, and queues the next job only once the real ComfyUI has let go of the cancelled prompt', async () => {
    // Recorded: after /interrupt the real ComfyUI kept the prompt in queue_running until it
    // finished the step it was on (106 s on this CPU), then sent execution_interrupted.
    const runner = await runnerFor('interrupt');
    const first = recordingContext();
    const cancelled = runner.run({ ...generate, id: 'job-a' }, first.ctx).catch((e: unknown) => e);
    await waitFor(() => first.progress.some((p) => p.stage.startsWith('sampling step')), { timeoutMs: 30_000, what: 'sampling' });
    const t0 = Date.now();
    first.controller.abort();
    expect(((await cancelled) as Error).name).toBe('AbortError');
    expect(Date.now() - t0).toBeLessThan(2000);
    const a = replay!.posted[0]!.prompt_id;
    expect(replay!.calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/interrupt', { prompt_id: a }],
      ['/queue', { delete: [a] }],
    ]);
    const second = recordingContext();
    const next = runner.run({ ...generate, id: 'job-b' }, second.ctx).catch((e: unknown) => e);
    await waitFor(() => replay!.posted.length === 2, { timeoutMs: 60_000, what: 'the next prompt' });
    expect(replay!.posted[1]!.at).toBeGreaterThanOrEqual(replay!.endedAt.get(a)!);
    expect(second.progress.some((p) => p.stage === 'waiting for ComfyUI to stop the last job')).toBe(true);
    second.controller.abort();
    await next;
  });

  it('fails the attempt as retryable when the real ComfyUI restarted mid-job and forgot the prompt', async () => {
    // Recorded: killed during sampling and started again; then /history/<id> is {} and /queue is empty.
    const runner = await runnerFor('restart');
    const { ctx } = recordingContext();
    const err = await runner.run(generate, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as JobError).retryable).toBe(true);
    expect((err as Error).message).toMatch(/ComfyUI lost the job/);
    expect(await runner.healthy()).toBe(true);
  });

  it('explains the real refusal of a workflow with a missing checkpoint', async () => {
    const runner = await runnerFor('rejected', 1);
    const { ctx } = recordingContext();
    const err = await runner.run(generate, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toMatch(/^ComfyUI rejected the workflow: Prompt outputs failed validation — CheckpointLoaderSimple #4: Value not in list/);
    expect((err as JobError).retryable).toBe(false);
  });
});
