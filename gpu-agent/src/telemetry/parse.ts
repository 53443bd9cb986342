import type { GpuSample } from './gpu-sample.js';

/**
 * Pure parsing of `nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]` output.
 * Facts from recorded outputs (test/fixtures/nvidia-smi): values are separated by ", "; `nounits` drops
 * units from values but the header keeps " [unit]"; unavailable values print "[N/A]", "[Not Supported]"
 * (older drivers) or a bare "N/A".
 */

/** A telemetry metric and the nvidia-smi field names that provide it, preferred name first. */
export interface FieldSpec {
  key: keyof GpuSample;
  names: readonly string[];
  kind: 'int' | 'number' | 'string' | 'bitmask';
  /** Without it a line cannot be attributed to a GPU. */
  required?: boolean;
}

export const FIELD_SPECS: readonly FieldSpec[] = [
  { key: 'index', names: ['index'], kind: 'int', required: true },
  { key: 'uuid', names: ['uuid'], kind: 'string' },
  { key: 'name', names: ['name'], kind: 'string' },
  { key: 'utilizationPercent', names: ['utilization.gpu'], kind: 'number' },
  { key: 'memoryUsedMiB', names: ['memory.used'], kind: 'number' },
  { key: 'memoryTotalMiB', names: ['memory.total'], kind: 'number' },
  { key: 'temperatureC', names: ['temperature.gpu'], kind: 'number' },
  { key: 'powerDrawW', names: ['power.draw'], kind: 'number' },
  { key: 'powerLimitW', names: ['power.limit'], kind: 'number' },
  { key: 'fanPercent', names: ['fan.speed'], kind: 'number' },
  { key: 'clockGraphicsMHz', names: ['clocks.gr', 'clocks.current.graphics'], kind: 'number' },
  { key: 'clockMemoryMHz', names: ['clocks.mem', 'clocks.current.memory'], kind: 'number' },
  { key: 'pstate', names: ['pstate'], kind: 'string' },
  // Renamed in newer drivers; 610 still accepts the old name as an alias, 465 knows only the old one.
  { key: 'throttleReasons', names: ['clocks_event_reasons.active', 'clocks_throttle_reasons.active'], kind: 'bitmask' },
];

/** nvml.h clocksEventReason bits (a.k.a. clocksThrottleReason). */
export const THROTTLE_REASON_BITS: ReadonlyArray<readonly [bit: number, name: string]> = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

const UNAVAILABLE = new Set(['[N/A]', '[Not Supported]', 'N/A', '[Unknown Error]', '[GPU is lost]', '[Insufficient Permissions]', '']);
const UNIT_SUFFIX = / (%|MiB|W|MHz|KiB\/s|us)$/;

/** A raw value as text with its unit dropped, or null when the driver says it is unavailable. */
export function cleanValue(raw: string): string | null {
  const v = raw.trim();
  if (UNAVAILABLE.has(v)) return null;
  return v.replace(UNIT_SUFFIX, '');
}

/** Active reason names from a hex bitmask like `0x0000000000000004`; unknown bits appear as `bit_0x…`. */
export function decodeThrottleReasons(hex: string): string[] | null {
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(hex)) return null;
  let mask = BigInt(hex);
  const names: string[] = [];
  for (const [bit, name] of THROTTLE_REASON_BITS) {
    if (mask & BigInt(bit)) names.push(name);
    mask &= ~BigInt(bit);
  }
  for (let b = 0n; mask > 0n; b++, mask >>= 1n) if (mask & 1n) names.push(`bit_0x${(1n << b).toString(16)}`);
  return names;
}

/** Header field names without their " [unit]" suffix. */
export function parseHeader(line: string): string[] {
  return line.split(',').map((h) => h.trim().replace(/ \[[^\]]*\]$/, ''));
}

/** Splits one CSV line into raw values; null when the column count is not the expected one. */
export function splitLine(line: string, expectedColumns: number): string[] | null {
  const cols = line.replace(/\r$/, '').split(', ');
  return cols.length === expectedColumns ? cols : null;
}

export type LineResult = { ok: true; sample: GpuSample } | { ok: false; reason: string };

const emptySample = (): GpuSample => ({
  index: 0,
  uuid: null,
  name: null,
  utilizationPercent: null,
  memoryUsedMiB: null,
  memoryTotalMiB: null,
  temperatureC: null,
  powerDrawW: null,
  powerLimitW: null,
  fanPercent: null,
  clockGraphicsMHz: null,
  clockMemoryMHz: null,
  pstate: null,
  throttleReasons: null,
});
const NUMBER = /^-?\d+(\.\d+)?$/;

/** The field name a spec reads among those available (its preferred one first), if any. */
const nameFor = (spec: FieldSpec, has: (name: string) => boolean) => spec.names.find(has);

/**
 * Stores one raw value into the sample; returns the reason when the value makes the line invalid.
 * A value that should be a number but is not makes the whole line invalid: such a line is garbage, not a reading.
 */
function store(sample: GpuSample, spec: FieldSpec, name: string | undefined, raw: string | undefined, decode: (hex: string) => string[] | null): string | null {
  const value = raw === undefined ? null : cleanValue(raw);
  if (value === null) return spec.required ? `no ${spec.names[0]}` : null;
  const out = sample as unknown as Record<string, unknown>;
  if (spec.kind === 'string') out[spec.key] = value;
  else if (spec.kind === 'bitmask') {
    const reasons = decode(value);
    if (!reasons) return `${name} is not a hex bitmask: ${value.slice(0, 40)}`;
    out[spec.key] = reasons;
  } else {
    const n = Number(value);
    if (!NUMBER.test(value) || (spec.kind === 'int' && !Number.isInteger(n))) return `${name} is not a number: ${value.slice(0, 40)}`;
    out[spec.key] = n;
  }
  return null;
}

/** Builds a sample from raw values keyed by field name (any of a spec's names). */
export function sampleFromRecord(record: ReadonlyMap<string, string>): LineResult {
  const sample = emptySample();
  for (const spec of FIELD_SPECS) {
    const name = nameFor(spec, (n) => record.has(n));
    const reason = store(sample, spec, name, name === undefined ? undefined : record.get(name), decodeThrottleReasons);
    if (reason) return { ok: false, reason };
  }
  return { ok: true, sample };
}

/**
 * A parser for streamed lines of one query field list (noheader output). The column of each metric is
 * worked out once, not per line: at 10 Hz the stream is the agent's hottest path. Never throws.
 */
export function lineParser(fields: readonly string[]): (line: string) => LineResult {
  const plan = FIELD_SPECS.map((spec) => {
    const name = nameFor(spec, (n) => fields.includes(n));
    return { spec, name, column: name === undefined ? -1 : fields.lastIndexOf(name) };
  });
  // The reasons bitmask rarely changes between rounds: decode it once per distinct value.
  let lastHex = '';
  let lastReasons: string[] | null = null;
  const decode = (hex: string) => {
    if (hex !== lastHex) {
      lastHex = hex;
      lastReasons = decodeThrottleReasons(hex);
    }
    return lastReasons && [...lastReasons];
  };
  return (line) => {
    const cols = splitLine(line, fields.length);
    if (!cols) return { ok: false, reason: `expected ${fields.length} columns` };
    const sample = emptySample();
    for (const { spec, name, column } of plan) {
      const reason = store(sample, spec, name, column < 0 ? undefined : cols[column], decode);
      if (reason) return { ok: false, reason };
    }
    return { ok: true, sample };
  };
}

/** Parses one streamed line for the given query field list (noheader output). Never throws. */
export function parseLine(line: string, fields: readonly string[]): LineResult {
  return lineParser(fields)(line);
}

/**
 * Parses a recorded table (header + rows, as `--format=csv` prints): `#` provenance lines are skipped.
 * Returns the field names and one raw-value map per row; rows with the wrong column count are dropped.
 */
export function parseTable(text: string): { fields: string[]; rows: Array<Map<string, string>>; rejected: number } {
  const lines = text
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l && !l.startsWith('#'));
  const [header, ...data] = lines;
  if (header === undefined) return { fields: [], rows: [], rejected: 0 };
  const fields = parseHeader(header);
  const rows: Array<Map<string, string>> = [];
  let rejected = 0;
  for (const line of data) {
    const cols = splitLine(line, fields.length);
    if (cols) rows.push(new Map(fields.map((f, i) => [f, cols[i]!])));
    else rejected++;
  }
  return { fields, rows, rejected };
}
