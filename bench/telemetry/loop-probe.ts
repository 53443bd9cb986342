/**
 * Preloaded (`--import`) into a measured process. It does nothing until the bench signals it, so the
 * start-up is never part of a window:
 *   SIGUSR1 (1st)  start the CPU window: only GC pauses are recorded (cheap), no loop monitor;
 *   SIGUSR1 (2nd)  end the CPU window, start the loop window with monitorEventLoopDelay (1 ms resolution,
 *                  whose timer costs CPU itself, hence the separate window);
 *   SIGUSR2        end the loop window and write both as JSON to $BENCH_PROBE_OUT.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface ProbeWindow {
  wallMs: number;
  /** user + system time of the whole process (all threads) over wall time */
  cpuPercent: number;
  gcCount: number;
  gcTotalMs: number;
  gcMaxMs: number;
}
export interface ProbeReport {
  cpu: ProbeWindow;
  loop: ProbeWindow & { delayMaxMs: number; delayP99Ms: number; delayMeanMs: number };
}

const out = process.env.BENCH_PROBE_OUT;
if (out) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let gcs: number[] = [];
  const gcObserver = new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e: PerformanceEntry) => e.duration)));
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
      gcTotalMs: gcs.reduce((a, b) => a + b, 0),
      gcMaxMs: Math.max(0, ...gcs),
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
