import { chmod, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningAppliance } from './server.js';

/** The name of the device row of the one-machine agent; its token is replaced at every start. */
export const LOCAL_AGENT_NAME = 'local gpu-agent';

/**
 * For `npm start` (HEARTH_LOCAL_AGENT=1): hands a gpu-agent on this machine what it needs to
 * join — where Redis, MQTT and the appliance are (`runtime.json`) and a fresh agent token
 * (`local-agent.token`) — as files only this user can read. The previous local token is revoked,
 * so a token copied out of the data dir stops working at the next start.
 */
export async function writeLocalAgentFiles(running: RunningAppliance, dataDir: string): Promise<void> {
  const { devices } = running.app;
  for (const d of devices.list()) if (d.kind === 'agent' && d.name === LOCAL_AGENT_NAME && d.revokedAt === null) devices.revoke(d.id);
  const { token } = devices.create('agent', LOCAL_AGENT_NAME, null);
  const runtime = { url: running.url, redisUrl: running.connections.redisUrl, mqttUrl: running.connections.mqttUrl, pid: process.pid };
  await writePrivate(join(dataDir, 'local-agent.token'), `${token}\n`);
  await writePrivate(join(dataDir, 'runtime.json'), `${JSON.stringify(runtime, null, 2)}\n`);
}

async function writePrivate(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
