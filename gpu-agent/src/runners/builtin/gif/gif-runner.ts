import type { JobInput, JobType } from '@hearth/protocol';
import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import { encodeGif, frameSizeFor, toFrame } from './animated-gif.js';

/** `gif.create`: gallery pictures, in order, into one animated GIF. */
export class GifRunner implements Runner {
  readonly capability = 'builtin';
  readonly types: readonly JobType[] = ['gif.create'];

  canRun(job: RunnerJob): boolean {
    return job.type === 'gif.create';
  }

  async run(job: RunnerJob, ctx: RunContext): Promise<RunResult> {
    const { mediaIds, frameDelayMs, width, loop } = job.input as JobInput<'gif.create'>;
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
