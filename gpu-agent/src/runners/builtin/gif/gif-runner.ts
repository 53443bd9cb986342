import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import { encodeGif, frameSizeFor, toFrame } from './animated-gif.js';

/** `gif.create`: gallery pictures, in order, into one animated GIF. */
export class GifRunner implements Runner<'gif.create'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['gif.create'] as const;

  async run(job: RunnerJob<'gif.create'>, ctx: RunContext): Promise<RunResult> {
    const { mediaIds, frameDelayMs, width, loop } = job.input;
    const total = mediaIds.length;
    const frames: Buffer[] = [];
    let size;
    for (const [i, id] of mediaIds.entries()) {
      ctx.signal.throwIfAborted();
      const { bytes } = await ctx.fetchMedia(id);
      size ??= await frameSizeFor(bytes, width);
      frames.push(await toFrame(bytes, size, i + 1));
      ctx.progress({ fraction: (0.9 * (i + 1)) / total, stage: `frame ${i + 1}/${total}` });
    }
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 0.92, stage: 'encoding' });
    const gif = await encodeGif(frames, { delayMs: frameDelayMs, loop });
    ctx.signal.throwIfAborted();
    await ctx.upload({ name: 'animation.gif', contentType: 'image/gif', bytes: gif });
    return { artifacts: ['animation.gif'], data: { frames: total, width: size?.width, height: size?.height } };
  }
}
