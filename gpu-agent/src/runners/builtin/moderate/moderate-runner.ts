import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import type { NsfwModerator } from './nsfw-moderator.js';

/** `image.moderate`: classifies one gallery picture; the result data is the `Moderation`. */
export class ModerateRunner implements Runner<'image.moderate'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['image.moderate'] as const;

  constructor(private readonly moderator: NsfwModerator) {}

  async run(job: RunnerJob<'image.moderate'>, ctx: RunContext): Promise<RunResult> {
    const { mediaId } = job.input;
    const { bytes } = await ctx.fetchMedia(mediaId);
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 0.1, stage: 'classifying' });
    const moderation = await this.moderator.moderate(bytes, ctx.signal);
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 1, stage: 'done' });
    return { artifacts: [], data: moderation };
  }

  freeMemory(): Promise<void> {
    return this.moderator.dispose();
  }

  close(): Promise<void> {
    return this.moderator.dispose();
  }
}
