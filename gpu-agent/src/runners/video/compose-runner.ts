import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Capability } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../runner.js';
import { scratchDir } from '../scratch.js';
import { programWorks, runProgram } from '../speech/process.js';
import { filterGraph, filterPath } from './ffmpeg-graph.js';
import { srt, timeline } from './timeline.js';

export interface FfmpegSettings {
  ffmpeg: string;
  ffprobe: string;
}

/** Whether this machine has a working ffmpeg and ffprobe (no ffmpeg: no `video` capability). */
export async function hasFfmpeg({ ffmpeg, ffprobe }: FfmpegSettings): Promise<boolean> {
  return (await programWorks(ffmpeg, ['-version'])) && (await programWorks(ffprobe, ['-version']));
}

/**
 * `video.compose`: pictures + narration (+ music) → H.264/AAC MP4 with a soft subtitle track,
 * playable in browsers and on phones (yuv420p, moov atom first). Progress comes from ffmpeg's own
 * `-progress` output; cancelling kills ffmpeg at once.
 */
export class ComposeRunner implements Runner<'video.compose'> {
  readonly capability: Capability = 'video';
  readonly jobTypes = ['video.compose'] as const;

  constructor(private readonly tools: FfmpegSettings = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' }) {}

  async run(job: RunnerJob<'video.compose'>, ctx: RunContext): Promise<RunResult> {
    const { input } = job;
    const dir = await scratchDir('compose');
    try {
      ctx.progress({ fraction: 0.02, stage: 'fetching' });
      const pictures: string[] = [];
      const narrations: string[] = [];
      for (const [i, scene] of input.scenes.entries()) {
        pictures.push(await this.save(ctx, scene.pictureId, join(dir, `picture-${i}`)));
        narrations.push(await this.save(ctx, scene.narrationId, join(dir, `narration-${i}`)));
      }
      const music = input.musicId ? await this.save(ctx, input.musicId, join(dir, 'music')) : undefined;
      const seconds = [];
      for (const file of narrations) seconds.push(await this.duration(file, ctx.signal));
      const plan = timeline(seconds);
      const subtitles = join(dir, 'subtitles.srt');
      await writeFile(
        subtitles,
        srt(
          plan.scenes,
          input.scenes.map((s) => s.subtitle),
        ),
      );

      const graph = filterGraph({
        width: input.width,
        height: input.height,
        scenes: plan.scenes,
        total: plan.total,
        music: Boolean(music),
        burnSubtitles: input.burnSubtitles ? filterPath(subtitles) : undefined,
      });
      const out = join(dir, 'story.mp4');
      const args = [
        '-hide_banner',
        '-nostdin',
        '-y',
        '-loglevel',
        'error',
        '-nostats',
        '-progress',
        'pipe:1',
        ...pictures.flatMap((p) => ['-i', p]),
        ...narrations.flatMap((a) => ['-i', a]),
        ...(music ? ['-stream_loop', '-1', '-i', music] : []),
        '-i',
        subtitles,
        '-filter_complex',
        graph,
        '-map',
        '[vout]',
        '-map',
        '[aout]',
        '-map',
        `${pictures.length * 2 + (music ? 1 : 0)}:s`,
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-crf',
        '23',
        '-pix_fmt',
        'yuv420p',
        '-r',
        '25',
        '-c:a',
        'aac',
        '-b:a',
        '128k',
        '-ar',
        '48000',
        '-c:s',
        'mov_text',
        '-metadata:s:s:0',
        'language=' + (input.language === 'pl' ? 'pol' : 'eng'),
        '-t',
        plan.total.toFixed(3),
        '-movflags',
        '+faststart',
        out,
      ];
      let buffered = '';
      ctx.progress({ fraction: 0.05, stage: 'composing' });
      try {
        await runProgram(this.tools.ffmpeg, args, {
          signal: ctx.signal,
          onStdout: (chunk) => {
            buffered += chunk;
            const lines = buffered.split('\n');
            buffered = lines.pop() ?? '';
            for (const line of lines) {
              const m = /^out_time_us=(\d+)/.exec(line);
              if (m) ctx.progress({ fraction: 0.05 + 0.9 * Math.min(1, Number(m[1]) / 1e6 / plan.total), stage: 'composing' });
            }
          },
        });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw new JobError(`ffmpeg could not make the video: ${(err as Error).message}`);
      }
      ctx.progress({ fraction: 0.97, stage: 'uploading' });
      await ctx.upload({ name: 'story.mp4', contentType: 'video/mp4', bytes: await readFile(out) });
      ctx.progress({ fraction: 1, stage: 'done' });
      return { artifacts: ['story.mp4'], data: { seconds: plan.total } };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async save(ctx: RunContext, mediaId: string, path: string): Promise<string> {
    const { bytes } = await ctx.fetchMedia(mediaId);
    await writeFile(path, bytes);
    return path;
  }

  private async duration(file: string, signal: AbortSignal): Promise<number> {
    let text = '';
    try {
      await runProgram(this.tools.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
        signal,
        onStdout: (d) => (text += d),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      throw new JobError('a narration is not an audio file ffmpeg can read');
    }
    const seconds = Number(text.trim());
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) throw new JobError('a narration is empty or longer than 10 minutes');
    return seconds;
  }
}
