import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ProbedVideo {
  format: { duration: string };
  streams: Array<{ codec_type: string; codec_name: string; pix_fmt?: string; width?: number; height?: number }>;
}

/** What ffprobe says about an MP4 (tests read the made video with a tool other than the maker). */
export async function probe(bytes: Buffer): Promise<ProbedVideo> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-probe-'));
  try {
    const file = join(dir, 'v.mp4');
    await writeFile(file, bytes);
    const { stdout } = await run('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration:stream=codec_type,codec_name,pix_fmt,width,height',
      '-of',
      'json',
      file,
    ]);
    return JSON.parse(stdout) as ProbedVideo;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
