import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CAPABILITIES, JOB_TYPES, JOB_TYPE_NAMES, UpscaleInput, DialogueResult } from './jobs.js';

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
});
