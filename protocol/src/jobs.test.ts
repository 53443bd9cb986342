import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, ComposeInput, JOB_TYPES, JOB_TYPE_NAMES, SpeakInput, StoryInput, StoryResult, UpscaleInput, DialogueResult } from './jobs.js';

const mediaId = 'a'.repeat(64);

describe('job contracts', () => {
  it('every job type names a known capability and sane retry settings', () => {
    for (const name of JOB_TYPE_NAMES) {
      const t = JOB_TYPES[name];
      expect(CAPABILITIES).toContain(t.capability);
      expect(t.attempts).toBeGreaterThanOrEqual(1);
      expect(t.timeoutMs).toBeGreaterThan(0);
    }
  });

  it('rejects unknown fields and out-of-range values', () => {
    expect(Value.Check(UpscaleInput, { mediaId, scale: 2 })).toBe(true);
    expect(Value.Check(UpscaleInput, { mediaId, scale: 3 })).toBe(false);
    expect(Value.Check(UpscaleInput, { mediaId, scale: 2, extra: 1 })).toBe(false);
    expect(Value.Check(UpscaleInput, { mediaId: 'nope', scale: 2 })).toBe(false);
  });

  it('bounds dialogue results', () => {
    const ok = { panels: [{ index: 0, lines: [{ speaker: 'Ala', text: 'Hi!' }] }] };
    expect(Value.Check(DialogueResult, ok)).toBe(true);
    expect(Value.Check(DialogueResult, { panels: [] })).toBe(false);
    expect(Value.Check(DialogueResult, { panels: [{ index: 0, lines: [{ speaker: 'Ala', text: '' }] }] })).toBe(false);
  });

  it('bounds story, speech and video inputs', () => {
    const story = { premise: 'a dragon who is afraid of the dark', characters: [], scenes: 4, language: 'pl', audience: 'child' };
    expect(Value.Check(StoryInput, story)).toBe(true);
    expect(Value.Check(StoryInput, { ...story, scenes: 2 })).toBe(false);
    expect(Value.Check(StoryInput, { ...story, scenes: 9 })).toBe(false);
    expect(Value.Check(StoryInput, { ...story, premise: '' })).toBe(false);
    expect(Value.Check(StoryInput, { ...story, language: 'de' })).toBe(false);
    const scene = { narration: 'Once upon a time.', picturePrompt: 'a small green dragon' };
    expect(Value.Check(StoryResult, { title: 'Dragon', scenes: [scene, scene, scene] })).toBe(true);
    expect(Value.Check(StoryResult, { title: 'Dragon', scenes: [scene, scene] })).toBe(false);
    expect(Value.Check(StoryResult, { title: 'Dra\u202Egon', scenes: [scene, scene, scene] })).toBe(false);

    const speak = { text: 'Hello there.', voice: 'piper:en_US-joe-medium', language: 'en' };
    expect(Value.Check(SpeakInput, speak)).toBe(true);
    expect(Value.Check(SpeakInput, { ...speak, text: '   ' })).toBe(false);
    expect(Value.Check(SpeakInput, { ...speak, text: 'a'.repeat(5001) })).toBe(false);
    expect(Value.Check(SpeakInput, { ...speak, voice: 'piper:../../etc/passwd' })).toBe(false);
    expect(Value.Check(SpeakInput, { ...speak, voice: 'joe' })).toBe(false);

    const s = { pictureId: mediaId, narrationId: mediaId, subtitle: 'Once upon a time.' };
    const compose = { scenes: [s, s, s], burnSubtitles: false, width: 1280, height: 720 };
    expect(Value.Check(ComposeInput, compose)).toBe(true);
    expect(Value.Check(ComposeInput, { ...compose, scenes: [] })).toBe(false);
    expect(Value.Check(ComposeInput, { ...compose, scenes: Array(13).fill(s) })).toBe(false);
    expect(Value.Check(ComposeInput, { ...compose, width: 1001 })).toBe(false);
    expect(Value.Check(ComposeInput, { ...compose, width: 1920, height: 1080 })).toBe(true);
    expect(Value.Check(ComposeInput, { ...compose, musicId: 'nope' })).toBe(false);
  });
});
