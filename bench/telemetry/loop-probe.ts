/**
 * Preloaded (`--import`) into a measured process. It does nothing until the bench signals it, so the
 * start-up is never part of a window:
 *   SIGUSR1 (1st)  start the CPU window: only GC pauses are recorded (cheap), no loop monitor;
 *   SIGUSR1 (2nd)  end the CPU window, start the loop window with monitorEventLoopDelay (1 ms resolution,
 *                  whose timer costs CPU itself, hence the separate window);
 *   SIGUSR2        end the loop window and write both as JSON to $BENCH_PROBE_OUT.
 */
import { writeFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface ProbeWindow {
  wallMs: number;
  /** user + system time of the whole process (all threads) over wall time */
  cpuPercent: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
  /** full (mark-compact) collections among them */
  gcMajor: number;
}
export interface ProbeReport {
  cpu: ProbeWindow;
  loop: ProbeWindow & { delayMaxMs: number; delayP99Ms: number; delayMeanMs: number };
}

const out = process.env.BENCH_PROBE_OUT;
if (out) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcs: Array<{ ms: number; major: boolean }> = [];
  const kindOf = (e: PerformanceEntry) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ ms: e.duration, major: kindOf(e) === constants.NODE_PERFORMANCE_GC_MAJOR });
  });
  let start = { cpu: process.cpuUsage(), at: 0 };
  let cpuWindow: ProbeWindow | null = null;

  const begin = () => {
    gcs = [];
    start = { cpu: process.cpuUsage(), at: performance.now() };
  };
  const end = (): ProbeWindow => {
    const cpu = process.cpuUsage(start.cpu);
    const wallMs = performance.now() - start.at;
    return {
      wallMs,
      cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
      gcCount: gcs.length,
      gcTotalMs: gcs.reduce((a, b) => a + b.ms, 0),
      gcMaxMs: Math.max(0, ...gcs.map((g) => g.ms)),
      gcMajor: gcs.filter((g) => g.major).length,
    };
  };

  let signals = 0;
  process.on('SIGUSR1', () => {
    if (++signals === 1) {
      gcObserver.observe({ entryTypes: ['gc'] });
    } else {
      cpuWindow = end();
      delay.enable();
    }
    begin();
  });
  process.on('SIGUSR2', () => {
    delay.disable();
    const loop = end();
    gcObserver.disconnect();
    const report: ProbeReport = {
      cpu: cpuWindow ?? loop,
      loop: { ...loop, delayMaxMs: delay.max / 1e6, delayP99Ms: delay.percentile(99) / 1e6, delayMeanMs: delay.mean / 1e6 },
    };
    writeFileSync(out, JSON.stringify(report));
  });
}
