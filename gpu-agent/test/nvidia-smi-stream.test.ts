import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '@hearth/testkit';
import { AgentState } from '../src/agent-state.js';
import { AgentBus } from '../src/bus.js';
import { Deadband } from '../src/config.js';
import { createLogger } from '../src/log.js';
import type { GpuSample, TelemetrySnapshot } from '../src/telemetry/gpu-sample.js';
import { NvidiaSmiStream } from '../src/telemetry/nvidia-smi-stream.js';
import { chooseQueryFields } from '../src/telemetry/probe.js';
import { TelemetryExtension } from '../src/telemetry/telemetry-extension.js';
import { Value } from '@sinclair/typebox/value';
import { standinWith } from './helpers.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
const logLines: string[] = [];
const log = createLogger('debug', 'test', (l) => logLines.push(l));

beforeAll(async () => {
  dir = await tempDir('hearth-nvsmi-');
});
afterAll(async () => {
  await dir.remove();
});

function stream(bin: string, fields = chooseQueryFields(null)) {
  const samples: GpuSample[] = [];
  const statuses: string[] = [];
  const s = new NvidiaSmiStream({
    bin,
    intervalMs: 100,
    fields,
    log,
    onSample: (x) => samples.push(x),
    onStatus: (st) => statuses.push(st),
    backoff: { initialMs: 50, maxMs: 200 },
  });
  return { s, samples, statuses };
}

describe('streaming nvidia-smi child (stand-in)', () => {
  it('streams several GPUs, skips and counts garbage lines', async () => {
    const bin = await standinWith(dir.path, { NVSMI_GPUS: '3', NVSMI_VARY: '1', NVSMI_GARBAGE_EVERY: '2' }, 'garbage');
    const { s, samples } = stream(bin);
    s.start();
    try {
      await waitFor(() => s.stats.malformed >= 2 && samples.length >= 9, { timeoutMs: 10_000, what: 'samples and garbage' });
      expect(new Set(samples.map((x) => x.index))).toEqual(new Set([0, 1, 2]));
      expect(new Set(samples.map((x) => x.utilizationPercent)).size).toBeGreaterThan(1);
      expect(logLines.some((l) => l.includes('skipped a malformed nvidia-smi line'))).toBe(true);
    } finally {
      await s.stop();
    }
  });

  it('restarts the child with backoff when it dies', async () => {
    const bin = await standinWith(dir.path, { NVSMI_EXIT_AFTER: '2' }, 'crashing');
    const { s, samples, statuses } = stream(bin);
    s.start();
    try {
      await waitFor(() => s.stats.restarts >= 2 && samples.length >= 5, { timeoutMs: 15_000, what: 'restarts' });
      expect(statuses).toContain('restarting');
      expect(statuses.at(-1)).toBe('running');
    } finally {
      await s.stop();
    }
  });

  it('drops a field the driver rejects and keeps streaming', async () => {
    const bin = await standinWith(
      dir.path,
      { NVSMI_DRIVER: '465', NVSMI_SAMPLES: 'sample-13-geforce-rtx2080super-465-throttle-reasons-wide.csv.txt' },
      'old-driver',
    );
    // Without a probe the preferred (new) throttle field name is tried first.
    const { s, samples } = stream(bin, chooseQueryFields(null));
    s.start();
    try {
      await waitFor(() => samples.length >= 1, { timeoutMs: 10_000, what: 'a sample from the old driver' });
      expect(s.fields).not.toContain('clocks_event_reasons.active');
      expect(samples[0]!.throttleReasons).toBeNull();
      expect(samples[0]!.temperatureC).toBe(32);
    } finally {
      await s.stop();
    }
  });
});

describe('telemetry extension', () => {
  function extension(nvidiaSmi: string) {
    const bus = new AgentBus();
    const state = new AgentState(bus);
    const snaps: TelemetrySnapshot[] = [];
    bus.on('telemetry', (t) => snaps.push(t));
    const ext = new TelemetryExtension({
      nvidiaSmi,
      intervalMs: 100,
      maxIntervalMs: 60_000,
      deadband: { ...(Value.Default(Deadband, {}) as Deadband), cpuPercent: 101, memoryPercent: 101 },
      bus,
      state,
      log,
    });
    return { ext, state, snaps };
  }

  it('probes, picks the old field name on driver 465, and publishes grouped rounds', async () => {
    const bin = await standinWith(
      dir.path,
      { NVSMI_DRIVER: '465', NVSMI_GPUS: '2', NVSMI_SAMPLES: 'sample-13-geforce-rtx2080super-465-throttle-reasons-wide.csv.txt' },
      'probe-465',
    );
    const { ext, state, snaps } = extension(bin);
    await ext.start();
    try {
      await waitFor(() => snaps.length >= 1 && state.telemetry.status === 'running', { timeoutMs: 10_000, what: 'first snapshot' });
      expect(snaps[0]!.gpus.map((g) => g.index)).toEqual([0, 1]);
      expect(snaps[0]!.gpus[0]!.throttleReasons).toEqual(['gpu_idle']);
      // constant GPU values (host load excluded via its deadband): repeats are held back
      await new Promise((r) => setTimeout(r, 600));
      expect(snaps.length).toBe(1);
    } finally {
      await ext.stop();
    }
  });

  it('without nvidia-smi: keeps going with host values and says why', async () => {
    const { ext, state, snaps } = extension('/nonexistent/nvidia-smi');
    await ext.start();
    try {
      expect(state.telemetry.status).toBe('no_nvidia_smi');
      expect(state.telemetry.detail).toMatch(/not found.*CPU \(builtin\) capabilities only/);
      expect(snaps[0]!.gpus).toEqual([]);
      expect(snaps[0]!.host.memoryPercent).toBeGreaterThan(0);
      expect(state.gpusKnown).toBe(true);
    } finally {
      await ext.stop();
    }
  });
});
