import { describe, expect, it } from 'vitest';
import { mediaIdOf, recordingContext, testPhoto } from '../builtin/test-support.js';
import { EspeakEngine } from '../speech/espeak.js';
import { wavInfo } from '../speech/wav.js';
import { ComposeRunner } from './compose-runner.js';
import { probe } from './test-support.js';
import { CROSSFADE_S, PAUSE_S } from './timeline.js';

const LINES = ['A small dragon lived in a cave.', 'Every night he hid under his blanket.', 'A firefly showed him the stars.'];

async function materials() {
  const espeak = new EspeakEngine();
  const [voice] = await espeak.voices();
  const pictures = await Promise.all(LINES.map((_, i) => testPhoto(640, 480, i * 60)));
  const narrations = [];
  for (const line of LINES) narrations.push(await espeak.synthesize(line, voice!, new AbortController().signal));
  return { pictures, narrations };
}

describe('video.compose with the real ffmpeg', () => {
  it('three pictures and their narration become an H.264 + AAC MP4 with subtitles, timed to the narration', async () => {
    const { pictures, narrations } = await materials();
    const { ctx, uploads, progress } = recordingContext([...pictures, ...narrations]);
    const scenes = LINES.map((subtitle, i) => ({ pictureId: mediaIdOf(pictures[i]!), narrationId: mediaIdOf(narrations[i]!), subtitle }));
    const result = await new ComposeRunner().run({ id: 'v1', type: 'video.compose', input: { scenes, burnSubtitles: true, width: 480, height: 272 } }, ctx);
    expect(result.artifacts).toEqual(['story.mp4']);
    const video = uploads[0]!;
    expect(video.contentType).toBe('video/mp4');

    // Independent of the runner's plan: the narration lengths read from the WAVs.
    const spoken = narrations.reduce((sum, wav) => sum + wavInfo(wav).seconds, 0);
    const expected = spoken + LINES.length * PAUSE_S + CROSSFADE_S;
    const info = await probe(video.bytes);
    expect(Number(info.format.duration)).toBeGreaterThan(expected * 0.95);
    expect(Number(info.format.duration)).toBeLessThan(expected * 1.05);
    const byType = Object.fromEntries(info.streams.map((s) => [s.codec_type, s]));
    expect(byType.video).toMatchObject({ codec_name: 'h264', pix_fmt: 'yuv420p', width: 480, height: 272 });
    expect(byType.audio?.codec_name).toBe('aac');
    expect(byType.subtitle?.codec_name).toBe('mov_text');
    // Progress came from ffmpeg's -progress output: it rose through the composing stage.
    const composing = progress.filter((p) => p.stage === 'composing').map((p) => p.fraction);
    expect(composing.length).toBeGreaterThan(2);
    expect(Math.max(...composing)).toBeGreaterThan(0.5);
    expect(progress.at(-1)?.fraction).toBe(1);
  }, 600_000);

  it('cancel kills ffmpeg at once and uploads nothing', async () => {
    const { pictures, narrations } = await materials();
    const abort = new AbortController();
    const { ctx, uploads, progress } = recordingContext([...pictures, ...narrations], abort.signal);
    const scenes = LINES.map((subtitle, i) => ({ pictureId: mediaIdOf(pictures[i]!), narrationId: mediaIdOf(narrations[i]!), subtitle }));
    const done = new ComposeRunner().run({ id: 'v2', type: 'video.compose', input: { scenes, burnSubtitles: false, width: 1280, height: 720 } }, ctx);
    const settled = done.then(
      () => 'finished',
      () => 'rejected',
    );
    // Wait (no fixed sleep) until ffmpeg reports it is encoding, then cancel.
    const deadline = Date.now() + 300_000;
    while (!progress.some((p) => p.stage === 'composing' && p.fraction > 0.05) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    abort.abort(new Error('cancelled by the family'));
    // The run settles only after ffmpeg's process has closed, so a rejection means it is gone;
    // it was killed mid-encode, not left to finish.
    expect(await settled).toBe('rejected');
    await expect(done).rejects.toThrow(/cancelled by the family/);
    expect(Math.max(...progress.map((p) => p.fraction))).toBeLessThan(0.95);
    expect(uploads).toEqual([]);
  }, 600_000);

  it('an input that is not audio is a clear error', async () => {
    const { pictures } = await materials();
    const { ctx, uploads } = recordingContext(pictures);
    const scenes = pictures.map((p) => ({ pictureId: mediaIdOf(p), narrationId: mediaIdOf(p), subtitle: 'x' }));
    await expect(
      new ComposeRunner().run({ id: 'v3', type: 'video.compose', input: { scenes, burnSubtitles: false, width: 480, height: 272 } }, ctx),
    ).rejects.toThrow(/narration/);
    expect(uploads).toEqual([]);
  }, 120_000);
});
