import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { JobError, type RunnerJob } from '../../runner.js';
import { mediaIdOf, recordingContext, testPhoto } from '../test-support.js';
import { GifRunner } from './gif-runner.js';

const runner = new GifRunner();
const job = (frames: Buffer[], extra: Partial<RunnerJob<'gif.create'>['input']> = {}): RunnerJob<'gif.create'> => ({
  id: 'g1',
  type: 'gif.create',
  input: { mediaIds: frames.map(mediaIdOf), frameDelayMs: 150, width: 96, loop: true, ...extra },
});

describe('gif.create', () => {
  it('makes an animated GIF with one frame per picture, the delay, the width and endless looping', async () => {
    const frames = await Promise.all([0, 60, 120, 180].map((hue) => testPhoto(80, 60, hue)));
    const { ctx, uploads, progress } = recordingContext(frames);
    const result = await runner.run(job(frames), ctx);

    expect(result).toEqual({ artifacts: ['animation.gif'], data: { frames: 4, width: 96, height: 72 } });
    expect(uploads[0]).toMatchObject({ name: 'animation.gif', contentType: 'image/gif' });
    const meta = await sharp(uploads[0]!.bytes, { animated: true }).metadata();
    expect(meta).toMatchObject({ format: 'gif', pages: 4, width: 96, loop: 0, delay: [150, 150, 150, 150] });
    expect(meta.pageHeight ?? meta.height).toBe(72);
    expect(progress.filter((p) => p.stage.startsWith('frame ')).map((p) => p.stage)).toEqual(['frame 1/4', 'frame 2/4', 'frame 3/4', 'frame 4/4']);
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('keeps the frames apart: each page shows its own picture', async () => {
    const red = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer();
    const blue = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#0000ff' } })
      .png()
      .toBuffer();
    const { ctx, uploads } = recordingContext([red, blue]);
    await runner.run(job([red, blue, red], { width: 64 }), ctx);
    const pixel = async (page: number) => (await sharp(uploads[0]!.bytes, { page }).raw().toBuffer()).subarray(0, 3);
    expect([...(await pixel(0))]).toEqual([255, 0, 0]);
    expect([...(await pixel(1))]).toEqual([0, 0, 255]);
    expect([...(await pixel(2))]).toEqual([255, 0, 0]);
  });

  it('plays once when loop is off and letterboxes pictures of another shape', async () => {
    const wide = await testPhoto(120, 60);
    const tall = await testPhoto(40, 80, 30);
    const { ctx, uploads } = recordingContext([wide, tall]);
    await runner.run(job([wide, tall], { loop: false, frameDelayMs: 1000 }), ctx);
    const meta = await sharp(uploads[0]!.bytes, { animated: true }).metadata();
    expect(meta).toMatchObject({ pages: 2, width: 96, loop: 1, delay: [1000, 1000] });
    expect(meta.pageHeight ?? meta.height / 2).toBe(48);
  });

  it('stops when aborted and uploads nothing', async () => {
    const frames = await Promise.all([0, 90].map((hue) => testPhoto(64, 64, hue)));
    const controller = new AbortController();
    const { ctx, uploads } = recordingContext(frames, controller.signal);
    ctx.progress = () => controller.abort(new Error('cancelled'));
    await expect(runner.run(job(frames), ctx)).rejects.toThrow('cancelled');
    expect(uploads).toEqual([]);
  });

  it('names a frame that is not a picture', async () => {
    const good = await testPhoto(64, 64);
    const junk = Buffer.from('not a frame');
    const { ctx } = recordingContext([good, junk]);
    const error = await runner.run(job([good, junk]), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as Error).message).toMatch(/^Frame 2 is not a picture Hearth can read/);
  });
});
