import type { Deadband } from '../config.js';
import { GPU_NUMERIC_METRICS, type GpuSample, type TelemetrySnapshot } from './gpu-sample.js';

/**
 * Decides whether a snapshot is worth publishing: when any metric moved beyond its deadband since the
 * last published snapshot, when a non-numeric value changed (pstate, reasons, null ↔ value, a GPU came
 * or went), or when nothing was published for `maxIntervalMs`.
 */
export class PublishPolicy {
  #last: TelemetrySnapshot | null = null;

  constructor(
    private readonly deadband: Deadband,
    private readonly maxIntervalMs: number,
  ) {}

  /** Returns true (and remembers the snapshot as published) when it should go out. */
  offer(snap: TelemetrySnapshot): boolean {
    const last = this.#last;
    if (last && snap.at - last.at < this.maxIntervalMs && !changed(last, snap, this.deadband)) return false;
    this.#last = snap;
    return true;
  }
}

function moved(a: number | null, b: number | null, band: number): boolean {
  if (a === null || b === null) return a !== b;
  return band === 0 ? a !== b : Math.abs(a - b) >= band;
}

function gpuChanged(a: GpuSample, b: GpuSample, band: Deadband): boolean {
  if (a.uuid !== b.uuid || a.name !== b.name || a.pstate !== b.pstate) return true;
  if ((a.throttleReasons ?? []).join() !== (b.throttleReasons ?? []).join() || (a.throttleReasons === null) !== (b.throttleReasons === null)) return true;
  return GPU_NUMERIC_METRICS.some((m) => moved(a[m], b[m], band[m]));
}

function changed(a: TelemetrySnapshot, b: TelemetrySnapshot, band: Deadband): boolean {
  if (a.gpus.length !== b.gpus.length) return true;
  if (a.gpus.some((g, i) => g.index !== b.gpus[i]!.index || gpuChanged(g, b.gpus[i]!, band))) return true;
  return moved(a.host.cpuPercent, b.host.cpuPercent, band.cpuPercent) || moved(a.host.memoryPercent, b.host.memoryPercent, band.memoryPercent);
}
