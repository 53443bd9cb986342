import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { waitFor } from '@hearth/testkit';
import { REPO_ROOT, STANDIN_NVIDIA_SMI } from './fixtures.js';

/** A script that runs the stand-in nvidia-smi with the given knobs, usable as NVIDIA_SMI. */
export async function standinWith(dir: string, env: Record<string, string>, name = 'nvidia-smi'): Promise<string> {
  const path = join(dir, name);
  const exports = Object.entries(env)
    .map(([k, v]) => `export ${k}='${v}'`)
    .join('\n');
  await writeFile(path, `#!/bin/sh\n${exports}\nexec '${STANDIN_NVIDIA_SMI}' "$@"\n`);
  await chmod(path, 0o755);
  return path;
}

export interface AgentProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The real agent entrypoint as a child process. */
export function startAgent(env: Record<string, string>): AgentProcess {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'gpu-agent/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'debug', HA_ANNOUNCE_JITTER_MS: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
  at: number;
}

/** An MQTT client that records everything under the given filters. */
export async function observe(
  url: string,
  filters: string[],
): Promise<{ client: MqttClient; messages: Received[]; latest: (topic: string) => Received | undefined; close: () => Promise<void> }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain, at: Date.now() }));
  await client.subscribeAsync(filters, { qos: 1 });
  return {
    client,
    messages,
    latest: (topic) => messages.findLast((m) => m.topic === topic),
    close: () => client.endAsync(),
  };
}

/** Everything retained under the filters right now (a fresh subscription, read for a short while). */
export async function retained(url: string, filter: string, settleMs = 300): Promise<Map<string, string>> {
  const o = await observe(url, [filter]);
  await new Promise((r) => setTimeout(r, settleMs));
  await o.close();
  const out = new Map<string, string>();
  for (const m of o.messages) if (m.retain) out.set(m.topic, m.payload);
  return out;
}

export { waitFor };
