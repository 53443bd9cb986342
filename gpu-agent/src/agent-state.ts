import type { AgentVoice, Capability } from '@hearth/protocol';
import type { AgentBus, JobEvent } from './bus.js';
import type { GpuSample, HostLoadSample } from './telemetry/gpu-sample.js';

/**
 * Where GPU telemetry stands. Without nvidia-smi it is `no_nvidia_smi`, never `unavailable`: HA shows
 * that word for a dead entity, and the agent is alive and telling why there are no GPU readings.
 */
export const TELEMETRY_STATUSES = ['starting', 'running', 'restarting', 'no_nvidia_smi'] as const;
export type TelemetryStatus = (typeof TELEMETRY_STATUSES)[number];

/**
 * What the agent currently is: capabilities and voices (set by the worker), whether it accepts jobs, the GPUs it
 * sees, the job in flight. Changes to capabilities / voices / accepting are announced on the bus.
 */
export class AgentState {
  #capabilities: Capability[] = ['builtin'];
  #accepting = true;
  #voices: AgentVoice[] = [];
  gpus: GpuSample[] = [];
  host: HostLoadSample | null = null;
  /** Whether the GPU list is known yet (first telemetry arrived, or telemetry is unavailable). */
  gpusKnown = false;
  telemetry: { status: TelemetryStatus; detail: string | null } = { status: 'starting', detail: null };
  currentJob: JobEvent | null = null;
  jobsDone = 0;

  constructor(private readonly bus: AgentBus) {
    bus.on('job.started', (job) => (this.currentJob = { jobId: job.jobId, type: job.type }));
    const finished = (job: JobEvent) => {
      if (this.currentJob?.jobId === job.jobId) this.currentJob = null;
      this.jobsDone += 1;
    };
    bus.on('job.succeeded', finished);
    bus.on('job.failed', finished);
  }

  get capabilities(): readonly Capability[] {
    return this.#capabilities;
  }

  setCapabilities(caps: Capability[]): void {
    const next = [...new Set(caps)].sort();
    if (next.join() === [...this.#capabilities].sort().join()) return;
    this.#capabilities = next;
    this.bus.emit('capabilities.changed', next);
  }

  /** The voices the speech runner offers (announced, so the portal can list them). */
  get voices(): readonly AgentVoice[] {
    return this.#voices;
  }

  setVoices(voices: AgentVoice[]): void {
    if (JSON.stringify(voices) === JSON.stringify(this.#voices)) return;
    this.#voices = [...voices];
    this.bus.emit('voices.changed', this.#voices);
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  setAccepting(accepting: boolean): void {
    if (accepting === this.#accepting) return;
    this.#accepting = accepting;
    this.bus.emit('accepting.changed', accepting);
  }
}
