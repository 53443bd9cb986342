import type { Logger } from '../log.js';
import { startWorker } from '../start-worker.js';

export interface HostInventory {
  hostname: string;
  os: string;
  cpu: { brand: string; cores: number; physicalCores: number };
  memoryTotalBytes: number;
  disks: Array<{ mount: string; sizeBytes: number; usedBytes: number }>;
  /** Physical interfaces with a MAC, for Wake-on-LAN (lowercase, colon-separated). */
  interfaces: Array<{ name: string; mac: string; ip4: string | null; wired: boolean }>;
}

/**
 * Host facts, gathered in a worker thread: systeminformation calls execSync on Linux (hostname -f,
 * /proc/mounts, ip/ethtool for interfaces, ~150 ms in all), which would block the agent's event loop.
 */
export function readInventory(log: Logger): Promise<HostInventory> {
  return new Promise((resolve, reject) => {
    const worker = startWorker('inventory-worker');
    worker.once('message', (msg: { inventory: HostInventory; warnings: string[] }) => {
      for (const w of msg.warnings) log.warn(w);
      resolve(msg.inventory);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`inventory worker exited with ${code}`)));
  });
}
