import { cpus, freemem, totalmem } from 'node:os';
import type { HostLoadSample } from '../telemetry/gpu-sample.js';

/**
 * CPU % (from kernel tick counters) and memory in use %; cheap, no child process. Both are read at most
 * once per `minWindowMs` (a 10 Hz caller gets the cached values): CPU so that it is not tick-granularity
 * noise, memory because each read parses /proc/meminfo.
 */
export class HostLoad {
  #prev = HostLoad.#ticks();
  #prevAt = Date.now();
  #last: HostLoadSample = { cpuPercent: 0, memoryPercent: HostLoad.#memoryPercent() };

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

  static #memoryPercent() {
    return round1(100 * (1 - freemem() / totalmem()));
  }

  sample(): HostLoadSample {
    if (Date.now() - this.#prevAt >= this.minWindowMs) {
      const now = HostLoad.#ticks();
      const dTotal = now.total - this.#prev.total;
      const dIdle = now.idle - this.#prev.idle;
      this.#prev = now;
      this.#prevAt = Date.now();
      this.#last = { cpuPercent: dTotal > 0 ? round1(100 * (1 - dIdle / dTotal)) : this.#last.cpuPercent, memoryPercent: HostLoad.#memoryPercent() };
    }
    return this.#last;
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
