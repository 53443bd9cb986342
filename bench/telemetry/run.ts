/**
 * Telemetry loop cost: the real agent (main.ts) fed by the stand-in nvidia-smi at 10 Hz with values that
 * change every round (so every round is published to a private Mosquitto), against an anchor: a process
 * that reads the same stream line by line and does nothing else.
 *
 * Made to give figures that hold on a busy shared machine:
 *   - anchor and agent run alternately, A/B/A/B… (BENCH_ROUNDS rounds), and the report gives medians, so
 *     a burst of load from elsewhere hits one run, not one side;
 *   - each process first runs BENCH_WARMUP_S (default 45 s): start-up and tsx's on-the-fly compile are
 *     over before anything is measured, and usually also V8's one-off memory-reducing full GCs, which
 *     come 15–40 s after start-up (the GC columns show it when one falls into a window);
 *   - CPU window (BENCH_SECONDS): the process's own utime+stime from /proc/<pid>/stat (all its threads,
 *     its nvidia-smi child excluded), no loop monitor running; GC pauses recorded by the probe;
 *   - loop window (BENCH_SECONDS): perf_hooks.monitorEventLoopDelay at 1 ms inside the process — max
 *     and p99. The anchor gets the same probe: a stall caused by the machine shows in both.
 *   node --import tsx bench/telemetry/run.ts      (BENCH_ROUNDS=3 BENCH_WARMUP_S=45 BENCH_SECONDS=30)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { startMosquitto, tempDir, waitFor } from '@hearth/testkit';
import type { ProbeReport } from './loop-probe.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STANDIN = join(ROOT, 'gpu-agent/test/standins/nvidia-smi');
const PROBE = join(ROOT, 'bench/telemetry/loop-probe.ts');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? 45);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const INTERVAL_MS = 100;
/** Linux USER_HZ: /proc stat times are in these ticks. */
const CLK_TCK = 100;
const standinEnv = { NVSMI_VARY: '1', NVSMI_GPUS: '1' };

interface Run {
  cpuPercent: number;
  probe: ProbeReport;
  /** state messages the agent published in its CPU window */
  published: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function cpuTicks(pid: number): number {
  // fields after the ")" of the command name: state is field 3, utime 14, stime 15
  const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

const broker = await startMosquitto();
const dir = await tempDir('hearth-bench-telemetry-');
const watcher = await mqtt.connectAsync(broker.url);
let counting: string | null = null;
let published = 0;
watcher.on('message', (topic, _p, packet) => {
  if (!packet.retain && topic === counting) published++;
});
await watcher.subscribeAsync('hearth/agent/+/state');

async function measure(label: string, args: string[], env: Record<string, string>, stateTopic: string | null): Promise<Run> {
  const outFile = join(dir.path, `${label}.json`);
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--import', PROBE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...standinEnv, ...env, BENCH_PROBE_OUT: outFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  const alive = () => {
    if (child.exitCode !== null) throw new Error(`${label} exited early:\n${err}`);
  };
  process.stderr.write(`${label}: ${WARMUP_S} s warm-up, ${SECONDS} s CPU, ${SECONDS} s loop…\n`);
  await sleep(WARMUP_S * 1000);
  alive();
  child.kill('SIGUSR1');
  const c0 = cpuTicks(child.pid!);
  const t0 = performance.now();
  counting = stateTopic;
  published = 0;
  await sleep(SECONDS * 1000);
  const cpuPercent = (100 * ((cpuTicks(child.pid!) - c0) / CLK_TCK)) / ((performance.now() - t0) / 1000);
  counting = null;
  const run = { cpuPercent, published };
  child.kill('SIGUSR1');
  await sleep(SECONDS * 1000);
  alive();
  child.kill('SIGUSR2');
  const probe = await waitFor(
    () => {
      try {
        return JSON.parse(readFileSync(outFile, 'utf8')) as ProbeReport;
      } catch {
        return null;
      }
    },
    { timeoutMs: 5000, what: `${label} probe output` },
  );
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
  return { ...run, probe };
}

try {
  const smiArgs = [
    '--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit,fan.speed,clocks.gr,clocks.mem,pstate,clocks_event_reasons.active',
    '--format=csv,noheader,nounits',
    '-lms',
    String(INTERVAL_MS),
  ];
  const anchorArgs = ['bench/telemetry/raw-reader.ts', STANDIN, ...smiArgs];
  const agentEnv = (n: number) => ({
    AGENT_ID: `bench${n}`,
    MQTT_URL: broker.url,
    NVIDIA_SMI: STANDIN,
    AGENT_DATA_DIR: join(dir.path, `agent${n}`),
    TELEMETRY_INTERVAL_MS: String(INTERVAL_MS),
    LOG_LEVEL: 'warn',
    HA_ANNOUNCE_JITTER_MS: '0',
  });

  const load0 = loadavg();
  const anchor: Run[] = [];
  const agent: Run[] = [];
  for (let r = 1; r <= ROUNDS; r++) {
    anchor.push(await measure(`anchor${r}`, anchorArgs, {}, null));
    agent.push(await measure(`agent${r}`, ['gpu-agent/src/main.ts'], agentEnv(r), `hearth/agent/bench${r}/state`));
  }
  const load1 = loadavg();

  const f = (n: number, unit: string) => `${n.toFixed(2)}${unit}`;
  const perRun = (name: string, runs: Run[]) =>
    runs.map(
      (x, i) =>
        `| ${name} #${i + 1} | ${f(x.cpuPercent, ' %')} | ${f(x.probe.cpu.gcTotalMs, ' ms')} (${x.probe.cpu.gcCount}, ${x.probe.cpu.gcMajor} full, max ${f(x.probe.cpu.gcMaxMs, ' ms')}) | ${f(x.probe.loop.gcMaxMs, ' ms')} (${x.probe.loop.gcMajor} full) | ${f(x.probe.loop.delayMaxMs, ' ms')} | ${f(x.probe.loop.delayP99Ms, ' ms')} |`,
    );
  const med = (runs: Run[]) => ({
    cpu: median(runs.map((x) => x.cpuPercent)),
    max: median(runs.map((x) => x.probe.loop.delayMaxMs)),
    p99: median(runs.map((x) => x.probe.loop.delayP99Ms)),
  });
  const a = med(anchor);
  const g = med(agent);
  console.log(
    `telemetry loop, ${1000 / INTERVAL_MS} Hz stand-in nvidia-smi (1 GPU, values change every round); ${ROUNDS} rounds A/B, ${WARMUP_S} s warm-up, ${SECONDS} s per window; node ${process.version}, ${availableParallelism()} CPUs, load average ${load0[0]!.toFixed(1)} → ${load1[0]!.toFixed(1)}`,
  );
  console.log(
    '| run | CPU (own, /proc) | GC in CPU window (count, full, longest) | longest GC in loop window | longest loop delay | p99 loop delay |\n|---|---|---|---|---|---|',
  );
  console.log([...perRun('anchor', anchor), ...perRun('agent', agent)].join('\n'));
  console.log('\nmedians:\n| process | CPU | longest loop delay | p99 loop delay |\n|---|---|---|---|');
  console.log(`| anchor: raw line reader | ${f(a.cpu, ' %')} | ${f(a.max, ' ms')} | ${f(a.p99, ' ms')} |`);
  console.log(`| agent: telemetry + MQTT | ${f(g.cpu, ' %')} | ${f(g.max, ' ms')} | ${f(g.p99, ' ms')} |`);
  console.log(
    `state messages published by the agent per CPU window: ${agent.map((x) => x.published).join(', ')} (${(median(agent.map((x) => x.published)) / SECONDS).toFixed(1)}/s)`,
  );
  console.log(
    `ratio agent/anchor (medians): CPU ${(g.cpu / a.cpu).toFixed(2)}x; longest loop delay ${(g.max / a.max).toFixed(2)}x; p99 ${(g.p99 / a.p99).toFixed(2)}x`,
  );
  console.log(
    `targets (medians): CPU <= 1 %: ${g.cpu <= 1 ? 'met' : 'NOT met'}; no block > 5 ms: ${g.max <= 5 ? 'met' : `NOT met (anchor's own longest: ${f(a.max, ' ms')})`}`,
  );
} finally {
  await watcher.endAsync();
  await broker.close();
  await dir.remove();
}
