import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { spawnServer, stopChild } from './process.js';
import { tempDir } from './temp.js';

export interface MosquittoInstance {
  port: number;
  url: string;
  dir: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A private mosquitto on a free port. `extraConfig` is appended to the generated config
 * (e.g. password_file / acl_file lines); by default anonymous clients are allowed.
 */
export async function startMosquitto({ extraConfig = 'allow_anonymous true\n' } = {}): Promise<MosquittoInstance> {
  const port = await freePort();
  const dir = await tempDir('hearth-mosquitto-');
  const conf = join(dir.path, 'mosquitto.conf');
  await writeFile(conf, `listener ${port} 127.0.0.1\npersistence false\nlog_dest stderr\n${extraConfig}`);
  let child: ChildProcess | undefined;
  const inst: MosquittoInstance = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir: dir.path,
    async start() {
      ({ child } = await spawnServer('mosquitto', ['-c', conf], port, 'install the Debian package mosquitto'));
    },
    async stop() {
      if (child) await stopChild(child);
    },
    async close() {
      await inst.stop();
      await dir.remove();
    },
  };
  await inst.start();
  return inst;
}
