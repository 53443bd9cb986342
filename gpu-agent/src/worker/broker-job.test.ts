import { describe, expect, it } from 'vitest';
import { parseBrokerJob } from './broker-job.js';

const MEDIA = 'a'.repeat(64);

describe('parseBrokerJob (the agent edge: runners trust what it returns)', () => {
  it('fills the input defaults and hands back a job narrowed by its type', () => {
    const parsed = parseBrokerJob('j1', 'builtin', { jobId: 'j1', type: 'image.upscale', input: { mediaId: MEDIA } });
    expect(parsed).toEqual({ ok: true, job: { id: 'j1', type: 'image.upscale', input: { mediaId: MEDIA, scale: 2 } } });
    if (parsed.ok && parsed.job.type === 'image.upscale') {
      const scale: 2 | 4 = parsed.job.input.scale; // typed, no cast
      expect(scale).toBe(2);
    }
  });

  it('refuses input its type schema refuses, naming the field', () => {
    const speak = parseBrokerJob('j2', 'speech', { jobId: 'j2', type: 'audio.speak', input: { text: '', voice: 'espeak:en', language: 'en' } });
    expect(speak).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid audio\.speak input \/text/) });
    const extra = parseBrokerJob('j3', 'builtin', { jobId: 'j3', type: 'gif.create', input: { mediaIds: [MEDIA], colour: 'red' } });
    expect(extra).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid gif\.create input/) });
  });

  it('refuses a job in the wrong queue or under another id', () => {
    expect(parseBrokerJob('j4', 'llm', { jobId: 'j4', type: 'image.upscale', input: { mediaId: MEDIA } })).toMatchObject({
      ok: false,
      error: 'a image.upscale job does not belong in the llm queue',
    });
    expect(parseBrokerJob('other', 'builtin', { jobId: 'j5', type: 'image.upscale', input: { mediaId: MEDIA } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/names job j5/),
    });
  });
});
