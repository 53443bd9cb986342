import type { AgentState } from '../agent-state.js';
import type { AgentBus } from '../bus.js';
import type { Deadband } from '../config.js';
import type { Extension } from '../extension.js';
import { HostLoad } from '../inventory/host-load.js';
import type { Logger } from '../log.js';
import type { GpuSample } from './gpu-sample.js';
import { NvidiaSmiStream } from './nvidia-smi-stream.js';
import { chooseQueryFields, probeNvidiaSmi } from './probe.js';
import { PublishPolicy } from './publish-policy.js';

export interface TelemetryOptions {
  nvidiaSmi: string;
  intervalMs: number;
  maxIntervalMs: number;
  deadband: Deadband;
  bus: AgentBus;
  state: AgentState;
  log: Logger;
}

/**
 * Lines of one nvidia-smi round arrive together. A round closes as soon as as many GPUs reported as the
 * last round had (no extra wake-up per round); the first round, or one with a GPU missing, closes after
 * this short quiet gap.
 */
const ROUND_GAP_MS = 15;

/**
 * GPU + host telemetry: probes nvidia-smi, streams it, groups each round's lines into a snapshot and
 * emits `telemetry` on the bus when the publish policy lets it through. Without nvidia-smi the agent
 * keeps running and reports host values only.
 */
export class TelemetryExtension implements Extension {
  readonly name = 'telemetry';
  #stream: NvidiaSmiStream | null = null;
  #hostTimer: NodeJS.Timeout | null = null;
  #roundTimer: NodeJS.Timeout | null = null;
  #round = new Map<number, { sample: GpuSample; seenAt: number }>();
  /** GPUs that reported since the last flush, and how many the last flushed round had. */
  #reported = new Set<number>();
  #expected = 0;
  readonly #host = new HostLoad();
  readonly #policy: PublishPolicy;

  constructor(private readonly o: TelemetryOptions) {
    this.#policy = new PublishPolicy(o.deadband, o.maxIntervalMs);
  }

  async start(): Promise<void> {
    const { log, state } = this.o;
    const probe = await probeNvidiaSmi(this.o.nvidiaSmi);
    if (probe.kind === 'missing') {
      const detail = `${probe.detail}: GPU telemetry off, CPU (builtin) capabilities only`;
      log.warn(detail);
      this.#setStatus('no_nvidia_smi', detail);
      state.gpusKnown = true;
      this.#hostTimer = setInterval(() => this.#flush(), Math.max(this.o.intervalMs, 5000));
      this.#flush();
      return;
    }
    const supported = probe.kind === 'ok' ? probe.supported : null;
    if (probe.kind === 'no-help') log.warn('nvidia-smi --help-query-gpu gave no field list; trying the preferred fields', { detail: probe.detail });
    const fields = chooseQueryFields(supported);
    log.info('querying nvidia-smi', { fields, intervalMs: this.o.intervalMs });
    this.#stream = new NvidiaSmiStream({
      bin: this.o.nvidiaSmi,
      intervalMs: this.o.intervalMs,
      fields,
      log,
      onSample: (s) => this.#onSample(s),
      onStatus: (status, detail) => this.#setStatus(status, detail),
    });
    this.#stream.start();
  }

  async stop(): Promise<void> {
    if (this.#hostTimer) clearInterval(this.#hostTimer);
    if (this.#roundTimer) clearTimeout(this.#roundTimer);
    await this.#stream?.stop();
  }

  get streamStats() {
    return this.#stream?.stats ?? null;
  }

  #setStatus(status: AgentState['telemetry']['status'], detail: string | null) {
    this.o.state.telemetry = { status, detail };
  }

  #onSample(sample: GpuSample) {
    this.#round.set(sample.index, { sample, seenAt: Date.now() });
    this.#reported.add(sample.index);
    if (this.#expected > 0 && this.#reported.size >= this.#expected) {
      if (this.#roundTimer) clearTimeout(this.#roundTimer);
      this.#roundTimer = null;
      this.#flush();
      return;
    }
    this.#roundTimer ??= setTimeout(() => {
      this.#roundTimer = null;
      this.#flush();
    }, ROUND_GAP_MS);
  }

  #flush() {
    this.#reported.clear();
    const now = Date.now();
    // A GPU missing from three rounds in a row has gone (fell off the bus, driver reset).
    const staleAfter = Math.max(3 * this.o.intervalMs, 1000);
    for (const [index, { seenAt }] of this.#round) if (now - seenAt > staleAfter) this.#round.delete(index);
    const gpus = [...this.#round.values()].map((r) => r.sample).sort((a, b) => a.index - b.index);
    this.#expected = gpus.length;
    const snapshot = { at: now, gpus, host: this.#host.sample() };
    this.o.state.gpus = gpus;
    this.o.state.host = snapshot.host;
    this.o.state.gpusKnown = true;
    if (this.#policy.offer(snapshot)) this.o.bus.emit('telemetry', snapshot);
  }
}
