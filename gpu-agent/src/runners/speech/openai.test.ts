import type { JobInput } from '@hearth/protocol';
import { freePort, waitFor } from '@hearth/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiSpeechStandin } from '../../../test/standins/openai-speech/server.js';
import { parseBackendSettings, type OpenAiSpeechSettings } from '../../backends/settings.js';
import { detectMediaRunners } from '../../worker/agent-runners.js';
import { recordingContext } from '../builtin/test-support.js';
import { JobError } from '../runner.js';
import { NARRATION_WORDS_PER_MINUTE } from './engine.js';
import { OpenAiSpeechEngine } from './openai.js';
import { SpeakRunner } from './speak-runner.js';
import { wavInfo } from './wav.js';

const EN = 'The little dragon lived in a cave at the edge of the forest. Every evening he hid under his blanket, because he was afraid of the dark.';
const job = (input: JobInput<'audio.speak'>) => ({ id: 'j', type: 'audio.speak' as const, input });

let standin: OpenAiSpeechStandin;
beforeEach(async () => {
  standin = await new OpenAiSpeechStandin().start();
});
afterEach(() => standin.stop());

const engine = (extra: Partial<OpenAiSpeechSettings> = {}) => new OpenAiSpeechEngine({ url: standin.url, model: 'kokoro', ...extra });

/** The job's error, which must be a JobError (the worker reads `retryable` from it). */
async function failure(promise: Promise<unknown>): Promise<JobError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobError);
  return err as JobError;
}

describe('OpenAI-compatible speech engine against the stand-in', () => {
  it('lists the server voices and speaks with the published request body; the WAV has speech of the right length', async () => {
    standin.apiKey = 'sk-family-secret';
    const runner = new SpeakRunner([engine({ apiKey: 'sk-family-secret' })]);
    expect(await runner.voices()).toEqual(standin.voices.map((name) => ({ id: `openai:${name}`, language: 'en', label: `kokoro ${name}` })));
    const { ctx, uploads } = recordingContext([]);
    const result = await runner.run(job({ text: EN, voice: 'openai:af_bella', language: 'en' }), ctx);
    expect(result.artifacts).toEqual(['speech.wav']);
    expect(standin.requests.map((r) => r.body)).toEqual([{ model: 'kokoro', input: EN, voice: 'af_bella', response_format: 'wav', speed: 1 }]);
    expect(standin.requests[0]!.authorization).toBe('Bearer sk-family-secret');
    const info = wavInfo(uploads[0]!.bytes);
    const expected = (EN.split(/\s+/).length / NARRATION_WORDS_PER_MINUTE.en) * 60;
    expect(info.seconds).toBeGreaterThan(expected * 0.7);
    expect(info.seconds).toBeLessThan(expected * 1.3);
    expect(info.rms).toBeGreaterThan(0.02);
    expect((result.data as { seconds: number }).seconds).toBeCloseTo(info.seconds, 3);
  }, 60_000);

  it('configured voices pick from the server list and give its language; without a list they are the list', async () => {
    const configured = {
      voices: [
        { name: 'pl_test', language: 'pl' as const },
        { name: 'af_bella', language: 'en' as const },
        { name: 'not_on_server', language: 'en' as const },
      ],
    };
    expect((await engine(configured).voices()).map((v) => [v.id, v.language])).toEqual([
      ['openai:pl_test', 'pl'],
      ['openai:af_bella', 'en'],
    ]);
    standin.listVoices = false;
    expect((await engine(configured).voices()).map((v) => v.id)).toEqual(['openai:pl_test', 'openai:af_bella', 'openai:not_on_server']);
    expect(await engine().voices()).toEqual([]);
    // The speed setting is what the server is asked for.
    await engine({ speed: 1.5, voices: configured.voices }).synthesize(
      'Cześć.',
      { id: 'openai:pl_test', language: 'pl', label: 'x' },
      new AbortController().signal,
    );
    expect(standin.requests.at(-1)?.body).toMatchObject({ voice: 'pl_test', speed: 1.5 });
  }, 60_000);

  it('a voice the server does not have is a clear error that is not retried', async () => {
    standin.listVoices = false;
    const runner = new SpeakRunner([engine({ voices: [{ name: 'retired_voice', language: 'en' }] })]);
    const { ctx, uploads } = recordingContext([]);
    const err = await failure(runner.run(job({ text: EN, voice: 'openai:retired_voice', language: 'en' }), ctx));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/speech server refused \(HTTP 400\): Invalid value for 'voice': 'retired_voice'/);
    expect(uploads).toEqual([]);
  }, 60_000);

  it('a wrong key and an over-long text are not retried, and the key is never in the message', async () => {
    standin.apiKey = 'sk-right';
    const voice = { id: 'openai:af_bella', language: 'en' as const, label: 'x' };
    const wrong = await failure(
      engine({ apiKey: 'sk-wrong-secret', voices: [{ name: 'af_bella', language: 'en' }] }).synthesize(EN, voice, new AbortController().signal),
    );
    expect(wrong.retryable).toBe(false);
    expect(wrong.message).toMatch(/HTTP 401/);
    expect(wrong.message).not.toMatch(/sk-wrong-secret/);
    const long = await failure(engine().synthesize('a '.repeat(2100), voice, new AbortController().signal));
    expect(long.retryable).toBe(false);
    expect(long.message).toMatch(/4096 characters/);
  }, 60_000);

  it('a server that is down or failing is a retryable error', async () => {
    const runner = new SpeakRunner([engine()]);
    await runner.voices();
    standin.failures.push(503);
    const { ctx } = recordingContext([]);
    const busy = await failure(runner.run(job({ text: EN, voice: 'openai:af_bella', language: 'en' }), ctx));
    expect(busy.retryable).toBe(true);
    expect(busy.message).toMatch(/HTTP 503/);
    await standin.stop();
    const down = await failure(runner.run(job({ text: EN, voice: 'openai:af_bella', language: 'en' }), ctx));
    expect(down.retryable).toBe(true);
    expect(down.message).toMatch(/could not be reached/);
  }, 60_000);

  it('cancel aborts the request the server is working on', async () => {
    const runner = new SpeakRunner([engine()]);
    standin.holding = true;
    const abort = new AbortController();
    const { ctx, uploads } = recordingContext([], abort.signal);
    const done = runner.run(job({ text: EN, voice: 'openai:af_bella', language: 'en' }), ctx);
    const settled = done.catch((e: unknown) => e);
    await waitFor(() => standin.requests.length === 1, { timeoutMs: 30_000, what: 'the speech request' });
    abort.abort(new Error('cancelled by the family'));
    expect(await settled).toEqual(new Error('cancelled by the family'));
    // The server sees the connection go; it would otherwise have answered after release().
    await waitFor(() => standin.requests[0]!.closedEarly, { timeoutMs: 30_000, what: 'the server to see the request closed' });
    standin.release();
    expect(uploads).toEqual([]);
  }, 60_000);
});

describe('openaiSpeech settings', () => {
  it('name the offending field; names that would break the announcement are refused', () => {
    expect(() => parseBackendSettings({ openaiSpeech: { url: 'http://x', model: 'kokoro\nx' } })).toThrow(/^backend settings \/openaiSpeech\/model: /);
    expect(() => parseBackendSettings({ openaiSpeech: { url: 'http://x', model: 'kokoro', voices: [{ name: 'a b', language: 'en' }] } })).toThrow(
      /\/openaiSpeech\/voices\/0\/name/,
    );
    expect(() => parseBackendSettings({ openaiSpeech: { url: 'http://x', model: 'kokoro', voices: [{ name: 'af', language: 'de' }] } })).toThrow(
      /\/openaiSpeech\/voices\/0\/language/,
    );
    expect(() => parseBackendSettings({ openaiSpeech: { url: 'http://x', model: 'kokoro', speed: 9 } })).toThrow(/\/openaiSpeech\/speed/);
    expect(parseBackendSettings({ openaiSpeech: { url: 'http://x/v1', model: 'kokoro', apiKey: 'k' } })).toEqual({
      openaiSpeech: { url: 'http://x/v1', model: 'kokoro', apiKey: 'k' },
    });
  });
});

describe('the agent offers OpenAI-compatible voices when the server answers', () => {
  it('lists them beside espeak-ng', async () => {
    const warnings: string[] = [];
    const { voices } = await detectMediaRunners({ openaiSpeech: { url: standin.url, model: 'kokoro', voices: [{ name: 'af_bella', language: 'en' }] } }, (m) =>
      warnings.push(m),
    );
    expect(voices.map((v) => v.id)).toEqual(['openai:af_bella', 'espeak:en', 'espeak:pl']);
    expect(warnings).toEqual([]);
  }, 60_000);

  it('says so and offers none when the server is down and no voices are configured', async () => {
    const warnings: string[] = [];
    const url = `http://127.0.0.1:${await freePort()}`;
    const { runners, voices } = await detectMediaRunners({ openaiSpeech: { url, model: 'kokoro' } }, (m) => warnings.push(m));
    expect(voices.map((v) => v.id)).toEqual(['espeak:en', 'espeak:pl']);
    expect(runners.map((r) => r.capability).sort()).toEqual(['speech', 'video']);
    expect(warnings).toEqual([
      `the speech server at ${url} listed no voices we can use (down, or none of the configured voices): no OpenAI-compatible voices offered`,
    ]);
  }, 60_000);
});
