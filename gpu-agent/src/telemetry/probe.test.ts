import { describe, expect, it } from 'vitest';
import { fixture, STANDIN_NVIDIA_SMI } from '../../test/fixtures.js';
import { chooseQueryFields, fieldsFromHelp, invalidFieldIn, probeNvidiaSmi } from './probe.js';

const help465 = fieldsFromHelp(fixture('reference-help-query-gpu-465.27.verbatim.txt'));
const help610 = fieldsFromHelp(fixture('reference-help-query-gpu-610.57.04.verbatim.txt'));

describe('field probe', () => {
  it('reads every field name and alias from recorded --help-query-gpu output', () => {
    expect(help610.has('clocks_event_reasons.active')).toBe(true);
    expect(help610.has('clocks_throttle_reasons.active')).toBe(true);
    expect(help610.has('clocks.gr')).toBe(true);
    expect(help465.has('clocks_event_reasons.active')).toBe(false);
    expect(help465.has('clocks_throttle_reasons.active')).toBe(true);
  });

  it('queries the new throttle field name on new drivers and the old one on 465', () => {
    expect(chooseQueryFields(help610)).toContain('clocks_event_reasons.active');
    const old = chooseQueryFields(help465);
    expect(old).toContain('clocks_throttle_reasons.active');
    expect(old).not.toContain('clocks_event_reasons.active');
    expect(old).toHaveLength(14);
  });

  it('drops a metric the driver lacks, keeps the rest', () => {
    const lacking = new Set([...help610].filter((f) => f !== 'fan.speed'));
    const fields = chooseQueryFields(lacking);
    expect(fields).not.toContain('fan.speed');
    expect(fields).toHaveLength(13);
    expect(chooseQueryFields(null, new Set(['power.limit']))).not.toContain('power.limit');
  });

  it('recognises nvidia-smi rejecting a field', () => {
    expect(invalidFieldIn('Field "clocks_event_reasons.active" is not a valid field to query.\n\n')).toBe('clocks_event_reasons.active');
    expect(invalidFieldIn('0, 1, 2')).toBeNull();
  });

  it('probes asynchronously: a missing binary and a working one', async () => {
    expect(await probeNvidiaSmi('/nonexistent/nvidia-smi')).toMatchObject({ kind: 'missing' });
    const ok = await probeNvidiaSmi(STANDIN_NVIDIA_SMI);
    expect(ok.kind === 'ok' && ok.supported.has('power.draw')).toBe(true);
  });
});
