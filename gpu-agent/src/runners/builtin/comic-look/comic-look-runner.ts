import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import { readImageSize } from '../decode-image.js';

/** `image.comic-look`: a family photo turned into a comic panel on the CPU (no GPU, no server). */
export class ComicLookRunner implements Runner<'image.comic-look'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['image.comic-look'] as const;

  async run(job: RunnerJob<'image.comic-look'>, ctx: RunContext): Promise<RunResult> {
    const input = job.input;
    const { bytes } = await ctx.fetchMedia(input.mediaId);
    await readImageSize(bytes);
    ctx.progress({ fraction: 0.2, stage: 'drawing' });
    ctx.signal.throwIfAborted();
    // sharp comes with the first job (see load-sharp.ts for why).
    const { comicLook } = await import('./comic-look.js');
    const png = await comicLook(bytes, input);
    ctx.signal.throwIfAborted();
    await ctx.upload({ name: 'comic-look.png', contentType: 'image/png', bytes: png });
    return { artifacts: ['comic-look.png'] };
  }
}
