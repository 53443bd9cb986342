import { cpus, freemem, totalmem } from 'node:os';
import type { HostLoadSample } from '../telemetry/gpu-sample.js';

/**
 * CPU % (from kernel tick counters) and memory in use %; cheap, no child process. CPU is averaged over
 * at least `minWindowMs` so a 10 Hz caller does not see tick-granularity noise.
 */
export class HostLoad {
  #prev = HostLoad.#ticks();
  #prevAt = Date.now();
  #cpuPercent = 0;

  constructor(private readonly minWindowMs = 1000) {}

  static #ticks() {
    let idle = 0;
    let total = 0;
    for (const c of cpus()) {
      idle += c.times.idle;
      total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
    }
    return { idle, total };
  }

  sample(): HostLoadSample {
    if (Date.now() - this.#prevAt >= this.minWindowMs) {
      const now = HostLoad.#ticks();
      const dTotal = now.total - this.#prev.total;
      const dIdle = now.idle - this.#prev.idle;
      this.#prev = now;
      this.#prevAt = Date.now();
      if (dTotal > 0) this.#cpuPercent = round1(100 * (1 - dIdle / dTotal));
    }
    return { cpuPercent: this.#cpuPercent, memoryPercent: round1(100 * (1 - freemem() / totalmem())) };
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
