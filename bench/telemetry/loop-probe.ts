/**
 * Preloaded (`--import`) into a measured process: after a warm-up it records the process's own CPU time
 * and event-loop delay, and writes them as JSON to $BENCH_PROBE_OUT on SIGUSR2.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

const out = process.env.BENCH_PROBE_OUT;
if (out) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let cpu0 = process.cpuUsage();
  let t0 = performance.now();
  setTimeout(() => {
    delay.reset();
    cpu0 = process.cpuUsage();
    t0 = performance.now();
  }, Number(process.env.BENCH_WARMUP_MS ?? 3000)).unref();
  process.on('SIGUSR2', () => {
    const cpu = process.cpuUsage(cpu0);
    const wallMs = performance.now() - t0;
    writeFileSync(out, JSON.stringify({
      wallMs,
      cpuPercent: (100 * (cpu.user + cpu.system)) / 1000 / wallMs,
      loopDelayMaxMs: delay.max / 1e6,
      loopDelayP99Ms: delay.percentile(99) / 1e6,
      loopDelayMeanMs: delay.mean / 1e6,
    }));
  });
}
