/**
 * `video.compose` cost: wall seconds of ffmpeg work per second of film, for three pictures with
 * espeak-ng narration (about 14 s of film) at three sizes, the way the agent's ComposeRunner runs
 * it (pan/zoom per picture, cross-fades, burned-in and soft subtitles, EBU R128 loudness, x264
 * veryfast CRF 23, AAC). Anchor in the same run: a plain encode of one still picture (scaled to
 * the size beforehand) with the same narration, codecs and settings, without the filter graph;
 * the ratio is what the storytelling effects cost on top of encoding. Wall time and ffmpeg's own
 * CPU time (bench/speech/cpu-timed.ts; CPU time holds up better on a shared machine).
 *   npm run bench -- video        BENCH_VIDEO_ROUNDS (default 2)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mediaIdOf, recordingContext, testPhoto } from '../../gpu-agent/src/runners/builtin/test-support.js';
import { EspeakEngine } from '../../gpu-agent/src/runners/speech/espeak.js';
import { ComposeRunner } from '../../gpu-agent/src/runners/video/compose-runner.js';
import { cpuTimed } from '../speech/cpu-timed.js';

const run = promisify(execFile);
const rounds = Number(process.env.BENCH_VIDEO_ROUNDS ?? 2);
const SIZES = [
  [848, 480],
  [1280, 720],
  [1920, 1080],
] as const;
const LINES = [
  'A small dragon lived in a cave at the edge of the forest.',
  'Every night he hid under his blanket, because he was afraid of the dark.',
  'Then a firefly knocked on his door and showed him the stars.',
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const espeak = new EspeakEngine();
const [voice] = await espeak.voices();
if (!voice) throw new Error('espeak-ng is not installed');
const pictures = await Promise.all(LINES.map((_, i) => testPhoto(1600, 1200, i * 70)));
const narrations: Buffer[] = [];
for (const line of LINES) narrations.push(await espeak.synthesize(line, voice, new AbortController().signal));
const scenes = LINES.map((subtitle, i) => ({ pictureId: mediaIdOf(pictures[i]!), narrationId: mediaIdOf(narrations[i]!), subtitle }));
const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-video-'));

const ffmpeg = await cpuTimed('ffmpeg', dir, 'ffmpeg');

interface Timing {
  wall: number;
  cpu: number;
}

async function compose(width: number, height: number): Promise<Timing & { seconds: number }> {
  const { ctx } = recordingContext([...pictures, ...narrations]);
  await ffmpeg.take();
  const t0 = performance.now();
  const result = await new ComposeRunner({ ffmpeg: ffmpeg.command, ffprobe: 'ffprobe' }).run(
    { id: 'bench', type: 'video.compose', input: { scenes, burnSubtitles: true, width, height, language: 'en' } },
    ctx,
  );
  return { wall: (performance.now() - t0) / 1000, cpu: await ffmpeg.take(), seconds: (result.data as { seconds: number }).seconds };
}

/** The anchor: one still picture and the narration, same size and encoder settings, no effects. */
async function plain(width: number, height: number, seconds: number): Promise<Timing> {
  // Scaled once beforehand, so the anchor is the encode alone.
  const still = join(dir, `still-${width}.png`);
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    join(dir, 'picture.png'),
    '-vf',
    `scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height}`,
    still,
  ]);
  await ffmpeg.take();
  const t0 = performance.now();
  await run(ffmpeg.command, [
    '-hide_banner',
    '-nostdin',
    '-y',
    '-loglevel',
    'error',
    '-loop',
    '1',
    '-framerate',
    '25',
    '-i',
    still,
    '-i',
    join(dir, 'narration.wav'),
    '-vf',
    'format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-r',
    '25',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    '-ar',
    '48000',
    '-t',
    seconds.toFixed(3),
    '-movflags',
    '+faststart',
    join(dir, 'plain.mp4'),
  ]);
  return { wall: (performance.now() - t0) / 1000, cpu: await ffmpeg.take() };
}

try {
  await writeFile(join(dir, 'picture.png'), pictures[0]!);
  // The narrations back to back, as the anchor's sound track.
  for (const [i, wav] of narrations.entries()) await writeFile(join(dir, `n${i}.wav`), wav);
  await run('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    ...narrations.flatMap((_, i) => ['-i', join(dir, `n${i}.wav`)]),
    '-filter_complex',
    `concat=n=${narrations.length}:v=0:a=1`,
    join(dir, 'narration.wav'),
  ]);
  const version = (await run('ffmpeg', ['-version'])).stdout.split('\n')[0];
  console.log(
    `${cpus().length} × ${cpus()[0]?.model}, ${version}; load average before ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${rounds} rounds, median`,
  );
  for (const [width, height] of SIZES) {
    await compose(width, height); // warm-up: page cache, ffmpeg's first start
    const made: Array<Timing & { seconds: number }> = [];
    const anchor: Timing[] = [];
    for (let i = 0; i < rounds; i++) {
      const m = await compose(width, height);
      made.push(m);
      anchor.push(await plain(width, height, m.seconds));
    }
    const seconds = made[0]!.seconds;
    const per = (xs: Timing[], key: keyof Timing) => median(xs.map((x) => x[key] / seconds));
    console.log(
      `${`${width}×${height}`.padEnd(10)} ${seconds.toFixed(1)} s film: video.compose ${per(made, 'wall').toFixed(2)} s wall, ${per(made, 'cpu').toFixed(2)} CPU-s per output s;` +
        ` plain encode (anchor) ${per(anchor, 'wall').toFixed(2)} wall, ${per(anchor, 'cpu').toFixed(2)} CPU; ratio ${(per(made, 'wall') / per(anchor, 'wall')).toFixed(1)}× wall, ${(per(made, 'cpu') / per(anchor, 'cpu')).toFixed(1)}× CPU`,
    );
  }
  console.log(
    `load average after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
