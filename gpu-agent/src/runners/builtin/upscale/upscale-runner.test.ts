import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobError, type RunnerJob } from '../../runner.js';
import { correlation, mediaIdOf, recordingContext, testPhoto } from '../test-support.js';
import { TfjsRuntime } from '../tfjs/runtime.js';
import { EsrganModels } from './esrgan-models.js';
import { upscalePixels } from './upscale-pixels.js';
import { UpscaleRunner } from './upscale-runner.js';

const models = new EsrganModels(new TfjsRuntime('wasm'));
const runner = new UpscaleRunner({ models });
/** 256-px windows: ~1 s of compute each, so a tile that blocked the main thread could not go unnoticed. */
const slowTiles = new UpscaleRunner({ models, tileSize: 256 });
const job = (bytes: Buffer, scale: 2 | 4): RunnerJob<'image.upscale'> => ({ id: 'j1', type: 'image.upscale', input: { mediaId: mediaIdOf(bytes), scale } });

beforeAll(async () => {
  await models.load(2);
});
afterAll(() => runner.close());

describe('image.upscale', () => {
  it('doubles the dimensions and gives a picture that matches a bicubic resize', async () => {
    const photo = await testPhoto(88, 64);
    const { ctx, progress, uploads } = recordingContext([photo]);
    const result = await runner.run(job(photo, 2), ctx);

    expect(result).toEqual({ artifacts: ['upscaled-x2.png'], data: { width: 176, height: 128, scale: 2 } });
    expect(uploads).toHaveLength(1);
    const out = await sharp(uploads[0]!.bytes).raw().toBuffer({ resolveWithObject: true });
    expect(out.info).toMatchObject({ width: 176, height: 128, channels: 3, format: 'raw' });
    const mean = out.data.reduce((s, v) => s + v, 0) / out.data.length;
    expect(mean).toBeGreaterThan(60);
    const bicubic = await sharp(photo).removeAlpha().resize(176, 128, { kernel: 'cubic' }).raw().toBuffer();
    expect(correlation(out.data, bicubic)).toBeGreaterThan(0.97);

    const tiles = progress.filter((p) => p.stage.startsWith('tile '));
    expect(tiles.length).toBeGreaterThan(0);
    tiles.forEach((p, i) => expect(p.stage).toBe(`tile ${i + 1}/${tiles.length}`));
    const fractions = progress.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('quadruples with the x4 model', async () => {
    const photo = await testPhoto(40, 30);
    const { ctx, uploads } = recordingContext([photo]);
    await runner.run(job(photo, 4), ctx);
    const meta = await sharp(uploads[0]!.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([160, 120]);
  });

  it('tiles without seams: the tiled result equals one whole-image pass', async () => {
    const photo = await testPhoto(96, 80);
    const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const image = { data, width: info.width, height: info.height };
    const signal = new AbortController().signal;
    const network = (pixels: Float32Array, width: number, height: number) => models.upscaleTile(2, pixels, width, height, signal);
    let tiles = 0;
    const tiled = await upscalePixels(network, image, { scale: 2, tileSize: 48, pad: 12, signal, onTile: () => tiles++ });
    const whole = await upscalePixels(network, image, { scale: 2, tileSize: 128, pad: 0, signal });
    expect(tiles).toBe(16);
    let worst = 0;
    for (let i = 0; i < whole.data.length; i++) worst = Math.max(worst, Math.abs(whole.data[i]! - tiled.data[i]!));
    expect(worst).toBeLessThanOrEqual(2);
  });

  it('keeps transparency', async () => {
    const photo = await sharp(await testPhoto(48, 48))
      .ensureAlpha(0.5)
      .png()
      .toBuffer();
    const { ctx, uploads } = recordingContext([photo]);
    await runner.run(job(photo, 2), ctx);
    const meta = await sharp(uploads[0]!.bytes).metadata();
    expect(meta).toMatchObject({ width: 96, height: 96, hasAlpha: true });
  });

  it('stops within 2 s when aborted mid-run and uploads nothing', async () => {
    const photo = await testPhoto(640, 480);
    const controller = new AbortController();
    const { ctx, uploads, progress } = recordingContext([photo], controller.signal);
    let abortedAt = 0;
    ctx.progress = (p) => {
      progress.push(p);
      if (p.stage === 'tile 2/35') {
        abortedAt = performance.now();
        controller.abort(new Error('cancelled by test'));
      }
    };
    await expect(runner.run(job(photo, 2), ctx)).rejects.toThrow('cancelled by test');
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(2000);
    expect(uploads).toEqual([]);
    expect(progress.at(-1)?.stage).toBe('tile 2/35');
  });

  it('keeps the main thread responsive while the tiles run', async () => {
    const photo = await testPhoto(460, 200);
    const { ctx, progress } = recordingContext([photo]);
    // A 10-ms ticker, not monitorEventLoopDelay: a loop blocked for the whole run records no sample at all there.
    let lastTick = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - lastTick);
      lastTick = now;
    }, 10);
    const start = performance.now();
    try {
      await slowTiles.run(job(photo, 2), ctx);
    } finally {
      clearInterval(ticker);
    }
    longestGap = Math.max(longestGap, performance.now() - lastTick);
    const elapsed = performance.now() - start;
    expect(progress.filter((p) => p.stage.startsWith('tile ')).map((p) => p.stage)).toEqual(['tile 1/2', 'tile 2/2']);
    // Inference on the main thread would have stalled the ticker for a whole tile. The bound is half a
    // tile as measured in this run, so a loaded machine (slower tiles, later ticks) moves both together.
    const tileMs = elapsed / 2;
    expect(tileMs).toBeGreaterThan(300);
    expect(longestGap).toBeLessThan(tileMs / 2);
  });

  it('rejects at once when aborted in the middle of a tile, and the next job still runs', async () => {
    const photo = await testPhoto(480, 240);
    const controller = new AbortController();
    const { ctx, uploads } = recordingContext([photo], controller.signal);
    const seen: Record<string, number> = {};
    let abortedAt = 0;
    ctx.progress = (p) => {
      seen[p.stage] = performance.now();
      if (p.stage !== 'tile 1/6') return;
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort(new Error('cancelled mid-tile'));
      }, 100);
    };
    const error = await slowTiles.run(job(photo, 2), ctx).catch((e: unknown) => e);
    const latency = performance.now() - abortedAt;
    expect((error as Error).message).toBe('cancelled mid-tile');
    expect(abortedAt).toBeGreaterThan(0);
    expect(latency).toBeLessThan(50);
    expect(uploads).toEqual([]);
    expect(Object.keys(seen)).not.toContain('tile 2/6');
    // A 256-px tile takes far longer than the 100 ms wait, so the abort did land mid-tile.
    expect(seen['tile 1/6']! - seen['loading model']!).toBeGreaterThan(400);

    const small = await testPhoto(40, 40);
    const after = recordingContext([small]);
    await expect(runner.run(job(small, 2), after.ctx)).resolves.toMatchObject({ data: { width: 80, height: 80 } });
  });

  it('refuses pictures above the size limit with a message a person understands', async () => {
    const big = await sharp({ create: { width: 1100, height: 1000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const { ctx, uploads } = recordingContext([big]);
    const error = await runner.run(job(big, 4), ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobError);
    expect((error as Error).message).toBe('This picture is 1100×1000 (1.1 MP); ×4 upscaling takes pictures up to 1.0 MP. Choose ×2 or a smaller picture.');
    expect(uploads).toEqual([]);

    const huge = await sharp({ create: { width: 2100, height: 2000, channels: 3, background: '#808080' } })
      .jpeg()
      .toBuffer();
    const atTwo = recordingContext([huge]);
    await expect(runner.run(job(huge, 2), atTwo.ctx)).rejects.toThrow(
      'This picture is 2100×2000 (4.2 MP); ×2 upscaling takes pictures up to 4.0 MP. Choose a smaller picture.',
    );
  });

  it('refuses bytes that are not a picture', async () => {
    const junk = Buffer.from('definitely not a png');
    const { ctx } = recordingContext([junk]);
    await expect(runner.run(job(junk, 2), ctx)).rejects.toThrow(/not a picture Hearth can read/);
  });
});
