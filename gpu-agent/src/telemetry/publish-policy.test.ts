import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { Deadband } from '../config.js';
import type { GpuSample, TelemetrySnapshot } from './gpu-sample.js';
import { PublishPolicy } from './publish-policy.js';

const gpu: GpuSample = {
  index: 0,
  uuid: 'GPU-1',
  name: 'RTX',
  utilizationPercent: 10,
  memoryUsedMiB: 1000,
  memoryTotalMiB: 8192,
  temperatureC: 40,
  powerDrawW: 50,
  powerLimitW: 250,
  fanPercent: 30,
  clockGraphicsMHz: 1500,
  clockMemoryMHz: 7000,
  pstate: 'P2',
  throttleReasons: [],
};
const band = Value.Default(Deadband, {}) as Deadband;
const snap = (at: number, g: Partial<GpuSample> = {}, host = { cpuPercent: 5, memoryPercent: 40 }): TelemetrySnapshot => ({
  at,
  gpus: [{ ...gpu, ...g }],
  host,
});

describe('publish policy', () => {
  it('publishes the first snapshot, then only changes beyond the deadband', () => {
    const p = new PublishPolicy(band, 60_000);
    expect(p.offer(snap(0))).toBe(true);
    expect(p.offer(snap(100, { temperatureC: 41, utilizationPercent: 12 }))).toBe(false);
    expect(p.offer(snap(200, { temperatureC: 42 }))).toBe(true);
    // measured against the last published value (42), not the last seen one
    expect(p.offer(snap(300, { temperatureC: 43 }))).toBe(false);
    expect(p.offer(snap(400, { temperatureC: 44 }))).toBe(true);
  });

  it('publishes non-numeric changes and null transitions at once', () => {
    const p = new PublishPolicy(band, 60_000);
    p.offer(snap(0));
    expect(p.offer(snap(1, { pstate: 'P8' }))).toBe(true);
    expect(p.offer(snap(2, { pstate: 'P8', throttleReasons: ['gpu_idle'] }))).toBe(true);
    expect(p.offer(snap(3, { pstate: 'P8', throttleReasons: ['gpu_idle'], fanPercent: null }))).toBe(true);
    expect(p.offer({ at: 4, gpus: [], host: { cpuPercent: 5, memoryPercent: 40 } })).toBe(true);
  });

  it('publishes at least every max interval', () => {
    const p = new PublishPolicy(band, 1000);
    p.offer(snap(0));
    expect(p.offer(snap(999))).toBe(false);
    expect(p.offer(snap(1000))).toBe(true);
  });

  it('honours a configured per-metric deadband, host values included', () => {
    const p = new PublishPolicy({ ...band, temperatureC: 0, cpuPercent: 50 }, 60_000);
    p.offer(snap(0));
    expect(p.offer(snap(1, {}, { cpuPercent: 40, memoryPercent: 40 }))).toBe(false);
    expect(p.offer(snap(2, { temperatureC: 40.5 }))).toBe(true);
  });
});
