import type { ChildProcess } from 'node:child_process';
import { freePort } from './ports.js';
import { spawnServer, stopChild } from './process.js';
import { tempDir } from './temp.js';

export interface RedisInstance {
  port: number;
  url: string;
  dir: string;
  /** Stop (SIGTERM, or SIGKILL to simulate a crash) and start again on the same port and data dir. */
  restart(opts?: { kill?: boolean; downMs?: number }): Promise<void>;
  stop(opts?: { kill?: boolean }): Promise<void>;
  start(): Promise<void>;
  /** Stop and delete the data dir. */
  close(): Promise<void>;
}

/** A private redis-server on a free port with its own data dir; AOF on unless asked otherwise. */
export async function startRedis({ appendonly = true } = {}): Promise<RedisInstance> {
  const port = await freePort();
  const dir = await tempDir('hearth-redis-');
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir.path,
    '--save',
    '',
    '--appendonly',
    appendonly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
  ];
  let child: ChildProcess | undefined;
  const inst: RedisInstance = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir: dir.path,
    async start() {
      ({ child } = await spawnServer('redis-server', args, port, 'install the Debian package redis-server'));
    },
    async stop({ kill = false } = {}) {
      if (child) await stopChild(child, kill ? 'SIGKILL' : 'SIGTERM');
    },
    async restart({ kill = false, downMs = 0 } = {}) {
      await inst.stop({ kill });
      if (downMs) await new Promise((r) => setTimeout(r, downMs));
      await inst.start();
    },
    async close() {
      await inst.stop();
      await dir.remove();
    },
  };
  await inst.start();
  return inst;
}
