/**
 * Telemetry loop cost: the real agent (main.ts) fed by the stand-in nvidia-smi at 10 Hz with values that
 * change every round (so every round is published to a private Mosquitto), against an anchor measured
 * in the same run: a process that reads the same stream line by line and does nothing else.
 * Two phases per process, because the 1 ms loop-delay monitor itself costs CPU:
 *   - CPU: the process's own utime+stime from /proc/<pid>/stat (its nvidia-smi child excluded), no monitor;
 *   - loop: perf_hooks.monitorEventLoopDelay (1 ms resolution) preloaded into the process.
 *   node --import tsx bench/telemetry/run.ts        (BENCH_SECONDS=20 per phase by default)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { startMosquitto, tempDir, waitFor } from '@hearth/testkit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const STANDIN = join(ROOT, 'gpu-agent/test/standins/nvidia-smi');
const PROBE = join(ROOT, 'bench/telemetry/loop-probe.ts');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_MS = 3000;
const INTERVAL_MS = 100;
/** Linux USER_HZ: /proc stat times are in these ticks. */
const CLK_TCK = 100;
const standinEnv = { NVSMI_VARY: '1', NVSMI_GPUS: '1' };

interface LoopProbe { wallMs: number; cpuPercent: number; loopDelayMaxMs: number; loopDelayP99Ms: number; loopDelayMeanMs: number }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuTicks(pid: number): number {
  // fields after the ")" of the command name: state is field 3, utime 14, stime 15
  const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

function launch(args: string[], env: Record<string, string>, probeOut?: string): { child: ChildProcess; err: () => string } {
  const preload = probeOut ? ['--import', PROBE] : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...standinEnv, ...env, ...(probeOut ? { BENCH_PROBE_OUT: probeOut, BENCH_WARMUP_MS: String(WARMUP_MS) } : {}) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
  return { child, err: () => err };
}

async function finish(child: ChildProcess) {
  child.kill('SIGTERM');
  if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
}

async function measureCpu(label: string, args: string[], env: Record<string, string>): Promise<number> {
  const { child, err } = launch(args, env);
  process.stderr.write(`CPU of ${label}: ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up…\n`);
  await sleep(WARMUP_MS);
  const t0 = performance.now();
  const c0 = cpuTicks(child.pid!);
  await sleep(SECONDS * 1000);
  if (child.exitCode !== null) throw new Error(`${label} exited early:\n${err()}`);
  const percent = (100 * ((cpuTicks(child.pid!) - c0) / CLK_TCK)) / ((performance.now() - t0) / 1000);
  await finish(child);
  return percent;
}

async function measureLoop(label: string, args: string[], env: Record<string, string>, outFile: string): Promise<LoopProbe> {
  const { child, err } = launch(args, env, outFile);
  process.stderr.write(`event loop of ${label}: ${SECONDS} s after ${WARMUP_MS / 1000} s warm-up…\n`);
  await sleep(WARMUP_MS + SECONDS * 1000);
  if (child.exitCode !== null) throw new Error(`${label} exited early:\n${err()}`);
  child.kill('SIGUSR2');
  const probe = await waitFor(() => {
    try {
      return JSON.parse(readFileSync(outFile, 'utf8')) as LoopProbe;
    } catch {
      return null;
    }
  }, { timeoutMs: 5000, what: `${label} probe output` });
  await finish(child);
  return probe;
}

const broker = await startMosquitto();
const dir = await tempDir('hearth-bench-telemetry-');
try {
  const smiArgs = ['--query-gpu=index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit,fan.speed,clocks.gr,clocks.mem,pstate,clocks_event_reasons.active', '--format=csv,noheader,nounits', '-lms', String(INTERVAL_MS)];
  const anchorArgs = ['bench/telemetry/raw-reader.ts', STANDIN, ...smiArgs];
  const agentArgs = ['gpu-agent/src/main.ts'];
  const agentEnv = (n: number) => ({
    AGENT_ID: `bench${n}`, MQTT_URL: broker.url, NVIDIA_SMI: STANDIN, AGENT_DATA_DIR: join(dir.path, `agent${n}`),
    TELEMETRY_INTERVAL_MS: String(INTERVAL_MS), LOG_LEVEL: 'warn', HA_ANNOUNCE_JITTER_MS: '0',
  });

  const watcher = await mqtt.connectAsync(broker.url);
  let published = 0;
  watcher.on('message', (topic, _p, packet) => !packet.retain && topic === 'hearth/agent/bench1/state' && published++);
  await watcher.subscribeAsync('hearth/agent/+/state');

  const anchorCpu = await measureCpu('anchor (raw line reader)', anchorArgs, {});
  const agentCpu = await measureCpu('agent (parse + policy + MQTT publish)', agentArgs, agentEnv(1));
  const anchorLoop = await measureLoop('anchor', anchorArgs, {}, join(dir.path, 'anchor.json'));
  const agentLoop = await measureLoop('agent', agentArgs, agentEnv(2), join(dir.path, 'agent.json'));
  await watcher.endAsync();

  const row = (name: string, cpu: number, p: LoopProbe) => `| ${name} | ${cpu.toFixed(2)} % | ${p.loopDelayMaxMs.toFixed(2)} ms | ${p.loopDelayP99Ms.toFixed(2)} ms |`;
  console.log(`telemetry loop, ${1000 / INTERVAL_MS} Hz stand-in nvidia-smi (1 GPU, values change every round), ${SECONDS} s per phase, node ${process.version}`);
  console.log('| process | CPU (own, no monitor) | longest loop delay | p99 loop delay |\n|---|---|---|---|');
  console.log(row('anchor: raw line reader', anchorCpu, anchorLoop));
  console.log(row('agent: telemetry + MQTT', agentCpu, agentLoop));
  console.log(`state messages published by the agent in its CPU phase: ${published} (${(published / (SECONDS + WARMUP_MS / 1000)).toFixed(1)}/s)`);
  console.log(`ratio agent/anchor: CPU ${(agentCpu / anchorCpu).toFixed(2)}x; longest loop delay ${(agentLoop.loopDelayMaxMs / anchorLoop.loopDelayMaxMs).toFixed(2)}x`);
  console.log(`targets: CPU <= 1 %: ${agentCpu <= 1 ? 'met' : 'NOT met'}; no block > 5 ms: ${agentLoop.loopDelayMaxMs <= 5 ? 'met' : 'NOT met'}`);
} finally {
  await broker.close();
  await dir.remove();
}
