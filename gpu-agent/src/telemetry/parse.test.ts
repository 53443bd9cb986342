import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { cleanValue, decodeThrottleReasons, FIELD_SPECS, parseLine, parseTable, sampleFromRecord } from './parse.js';

/** The one GPU row of a recorded wide sample, as the agent would parse it. */
function recorded(file: string) {
  const table = parseTable(fixture(file));
  expect(table.rows).toHaveLength(1);
  const result = sampleFromRecord(table.rows[0]!);
  if (!result.ok) throw new Error(result.reason);
  return result.sample;
}

describe('nvidia-smi parser on recorded real outputs', () => {
  it('reads an H100 under load (units in values, fan [N/A], new clocks_event_reasons name)', () => {
    expect(recorded('sample-08-h100-80gb-hbm3-load-wide.csv.txt')).toEqual({
      index: 0,
      uuid: 'GPU-00000000-0000-0000-0000-000000000000',
      name: 'NVIDIA H100 80GB HBM3',
      utilizationPercent: 100,
      memoryUsedMiB: 19818,
      memoryTotalMiB: 81559,
      temperatureC: 59,
      powerDrawW: 631.95,
      powerLimitW: 700,
      fanPercent: null,
      clockGraphicsMHz: 1980,
      clockMemoryMHz: 2619,
      pstate: 'P0',
      throttleReasons: [],
    });
  });

  it('turns MIG mode [N/A] utilization into null and decodes gpu_idle', () => {
    const s = recorded('sample-09-h100-mig-enabled-idle-wide.csv.txt');
    expect(s.utilizationPercent).toBeNull();
    expect(s.memoryUsedMiB).toBe(59);
    expect(s.throttleReasons).toEqual(['gpu_idle']);
  });

  it('reads an idle GeForce with sw_power_cap and a fan', () => {
    const s = recorded('sample-10-geforce-rtx2080super-linux-idle-wide.csv.txt');
    expect(s).toMatchObject({ pstate: 'P8', fanPercent: 38, powerDrawW: 39.32, powerLimitW: 250, clockMemoryMHz: 810, throttleReasons: ['sw_power_cap'] });
  });

  it('reads driver 465 output with the old clocks_throttle_reasons name', () => {
    const s = recorded('sample-13-geforce-rtx2080super-465-throttle-reasons-wide.csv.txt');
    expect(s).toMatchObject({ uuid: 'GPU-df6e7a7c-7314-46f8-abc4-b88b36dcf3aa', memoryTotalMiB: 7979, throttleReasons: ['gpu_idle'], temperatureC: 32 });
  });

  it('reads Windows driver 610 and the L40S sample', () => {
    expect(recorded('sample-11-geforce-rtx2080super-windows-610-load-wide.csv.txt')).toMatchObject({
      pstate: 'P2',
      clockMemoryMHz: 7500,
      utilizationPercent: 7,
    });
    expect(recorded('sample-12-l40s-idle-wide.csv.txt')).toMatchObject({ name: 'NVIDIA L40S', fanPercent: null, memoryTotalMiB: 46068 });
  });

  it('a nounits table: header keeps [units], values do not; a field missing from the query stays null', () => {
    const table = parseTable(fixture('sample-07-tesla-p100-nounits.csv.txt'));
    expect(table.fields).toContain('fan.speed');
    const row = table.rows[0]!;
    // This capture has no index column: the row cannot be attributed to a GPU.
    expect(sampleFromRecord(row)).toEqual({ ok: false, reason: 'no index' });
    const withIndex = sampleFromRecord(new Map([...row, ['index', '0']]));
    expect(withIndex.ok && withIndex.sample).toMatchObject({
      fanPercent: null,
      powerDrawW: 28.16,
      memoryUsedMiB: 0,
      powerLimitW: null,
      memoryTotalMiB: null,
      throttleReasons: null,
    });
  });

  it('reads several GPUs from a periodic log (noheader, units kept)', () => {
    const fields = [
      'timestamp',
      'name',
      'pci.bus_id',
      'driver_version',
      'pstate',
      'pcie.link.gen.max',
      'pcie.link.gen.current',
      'temperature.gpu',
      'utilization.gpu',
      'utilization.memory',
      'memory.total',
      'memory.free',
      'memory.used',
    ];
    const lines = fixture('sample-14-a100-sxm4-40gb-x4-periodic-noheader.csv.txt')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const busIds = lines.map((l) => l.split(', ')[2]);
    const samples = lines.map((line, i) => parseLine(`${i % 4}, ${line}`, ['index', ...fields]));
    expect(samples.every((r) => r.ok)).toBe(true);
    expect(new Set(busIds).size).toBe(4);
    const utils = samples.map((r) => (r.ok ? (r.sample.utilizationPercent ?? -1) : -1));
    expect(utils).toContain(13);
    expect(Math.max(...utils)).toBeGreaterThan(0);
    expect(samples[0]!.ok && samples[0]!.sample).toMatchObject({ memoryTotalMiB: 40960, memoryUsedMiB: 4, temperatureC: 42, name: 'NVIDIA A100-SXM4-40GB' });
  });

  it('treats [N/A], [Not Supported] and bare N/A as unavailable', () => {
    expect(cleanValue('[N/A]')).toBeNull();
    expect(cleanValue('[Not Supported]')).toBeNull();
    expect(cleanValue(' N/A')).toBeNull();
    expect(cleanValue('250.00 W')).toBe('250.00');
    expect(cleanValue('P8')).toBe('P8');
    // The wide samples really contain bare N/A columns; parsing them must not trip.
    const table = parseTable(fixture('sample-10-geforce-rtx2080super-linux-idle-wide.csv.txt'));
    expect([...table.rows[0]!.values()].filter((v) => v === 'N/A').length).toBeGreaterThan(0);
  });

  it('decodes the throttle bitmask into names, unknown bits included', () => {
    expect(decodeThrottleReasons('0x0000000000000000')).toEqual([]);
    expect(decodeThrottleReasons('0x0000000000000044')).toEqual(['sw_power_cap', 'hw_thermal_slowdown']);
    expect(decodeThrottleReasons('0x0000000000001001')).toEqual(['gpu_idle', 'bit_0x1000']);
    expect(decodeThrottleReasons('banana')).toBeNull();
  });
});

describe('malformed lines never crash the parser', () => {
  const fields = FIELD_SPECS.map((s) => s.names[0]!);
  const good = '0, GPU-1, NVIDIA GeForce RTX 2080 SUPER, 7, 1366, 8192, 44, 97.99, 250.00, 38, 2040, 7500, P2, 0x0000000000000000';

  it('parses a good streamed line', () => {
    const r = parseLine(good, fields);
    expect(r.ok && r.sample).toMatchObject({ index: 0, utilizationPercent: 7, powerDrawW: 97.99, throttleReasons: [] });
  });

  it.each([
    ['empty', ''],
    ['too few columns', '0, GPU-1, name'],
    ['too many columns', `${good}, extra`],
    ['non-numeric metric', good.replace(', 7, ', ', seven, ')],
    ['non-integer index', good.replace(/^0,/, '0.5,')],
    ['bad bitmask', good.replace('0x0000000000000000', 'zzz')],
    ['binary noise', '\u0000\u0007\uFFFD, , , '],
    ['an error message', 'Unable to determine the device handle for GPU0000:01:00.0: Unknown Error'],
  ])('rejects %s with a reason', (_what, line) => {
    const r = parseLine(line, fields);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason.length).toBeGreaterThan(0);
  });
});
