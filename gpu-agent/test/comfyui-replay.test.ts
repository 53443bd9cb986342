/**
 * The ComfyUI runner against exchanges recorded from a real ComfyUI 0.3.64 on the CPU
 * (scripts/record-comfyui.ts; a random-weight SD 1.5 checkpoint, so the pictures are noise but
 * the sampler, progress, previews, errors and files are the real ones), replayed frame by frame.
 */
import { afterEach, describe, expect, it } from 'vitest';
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

  it('explains the real refusal of a workflow with a missing checkpoint', async () => {
    const runner = await runnerFor('rejected', 1);
    const { ctx } = recordingContext();
    const err = await runner.run(generate, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobError);
    expect((err as Error).message).toMatch(/^ComfyUI rejected the workflow: Prompt outputs failed validation — CheckpointLoaderSimple #4: Value not in list/);
    expect((err as JobError).retryable).toBe(false);
  });
});
