/**
 * BackendWatcher — which capabilities this agent can serve right now.
 *
 *   const watcher = new BackendWatcher({ checks: { comfyui: () => comfy.healthy(), llm: () => llm.healthy() } });
 *   watcher.on('capabilities', (caps: Capability[]) => worker.subscribe(caps));   // full set, on every change
 *   watcher.on('change', ({ capability, available }) => log(...));               // one capability flipped
 *   watcher.start();  ...  watcher.capabilities();  ...  await watcher.stop();
 *
 * `builtin` is always available. A server capability is offered only while its check answers
 * true; a backend going down withdraws it (its queued jobs wait in their queue, they do not
 * fail). While a backend is up it is checked every `intervalMs`; while down the gap doubles up
 * to `maxIntervalMs`, so a PC without ComfyUI installed is not hammered, and comes back to
 * `intervalMs` as soon as it answers. A check that throws or takes longer than `timeoutMs`
 * counts as down.
 */
import { EventEmitter } from 'node:events';
import { backoffDelay, type Capability } from '@hearth/protocol';

export type ServerCapability = Exclude<Capability, 'builtin'>;
export type HealthCheck = (signal: AbortSignal) => Promise<boolean>;

export interface BackendWatcherOptions {
  checks: Partial<Record<ServerCapability, HealthCheck>>;
  intervalMs?: number;
  maxIntervalMs?: number;
  timeoutMs?: number;
}

export interface BackendWatcherEvents {
  capabilities: [Capability[]];
  change: [{ capability: ServerCapability; available: boolean }];
}

interface Probe {
  capability: ServerCapability;
  check: HealthCheck;
  available: boolean;
  /** Polls in a row that found it down (the shared backoff spaces them out). */
  misses: number;
  timer?: NodeJS.Timeout;
  inFlight?: AbortController;
}

export class BackendWatcher extends EventEmitter<BackendWatcherEvents> {
  private readonly probes: Probe[];
  private readonly intervalMs: number;
  private readonly maxIntervalMs: number;
  private readonly timeoutMs: number;
  private running = false;

  constructor(options: BackendWatcherOptions) {
    super();
    this.intervalMs = options.intervalMs ?? 5000;
    this.maxIntervalMs = Math.max(this.intervalMs, options.maxIntervalMs ?? 60_000);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.probes = (Object.entries(options.checks) as [ServerCapability, HealthCheck | undefined][])
      .filter((e): e is [ServerCapability, HealthCheck] => typeof e[1] === 'function')
      .map(([capability, check]) => ({ capability, check, available: false, misses: 0 }));
  }

  /** Capabilities available now, `builtin` first. */
  capabilities(): Capability[] {
    return ['builtin', ...this.probes.filter((p) => p.available).map((p) => p.capability)];
  }

  /** Whether a backend for `capability` is watched here (the others are not this watcher's business). */
  watches(capability: Capability): boolean {
    return this.probes.some((p) => p.capability === capability);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const probe of this.probes) void this.poll(probe);
  }

  /** Check every backend once now (e.g. after the PC wakes) instead of waiting for the timers. */
  async refresh(): Promise<Capability[]> {
    await Promise.all(this.probes.map((p) => this.poll(p)));
    return this.capabilities();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const probe of this.probes) {
      clearTimeout(probe.timer);
      probe.inFlight?.abort();
      probe.inFlight = undefined;
    }
  }

  private async poll(probe: Probe): Promise<void> {
    clearTimeout(probe.timer);
    probe.inFlight?.abort();
    const controller = new AbortController();
    probe.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(), this.timeoutMs);
    let up: boolean;
    try {
      up = (await probe.check(controller.signal)) === true && !controller.signal.aborted;
    } catch {
      up = false;
    } finally {
      clearTimeout(timeout);
    }
    // A newer poll (refresh) or stop() took over: its answer counts, not this one.
    if (probe.inFlight !== controller) return;
    probe.inFlight = undefined;
    if (!this.running) return;
    probe.misses = up || probe.available ? 0 : probe.misses + 1;
    // Down since the last look: intervalMs × 2, × 4 … up to maxIntervalMs, with jitter.
    const delayMs = probe.misses === 0 ? this.intervalMs : backoffDelay(probe.misses + 1, { baseMs: this.intervalMs, maxMs: this.maxIntervalMs });
    if (up !== probe.available) {
      probe.available = up;
      this.emit('change', { capability: probe.capability, available: up });
      this.emit('capabilities', this.capabilities());
    }
    probe.timer = setTimeout(() => void this.poll(probe), delayMs);
  }
}
