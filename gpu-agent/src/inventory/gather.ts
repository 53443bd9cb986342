import si from 'systeminformation';
import type { HostInventory } from './inventory.js';

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/**
 * The systeminformation queries themselves (run inside the worker). si.graphics() is deliberately not
 * used: it runs nvidia-smi synchronously (telemetry has its own streaming child).
 */
export async function gatherInventory(warn: (msg: string) => void): Promise<HostInventory> {
  const settle = async <T>(what: string, p: Promise<T>, fallback: T): Promise<T> => {
    try {
      return await p;
    } catch (err) {
      warn(`inventory: ${what} unavailable: ${String(err)}`);
      return fallback;
    }
  };
  const [osInfo, cpu, mem, fs, nics] = await Promise.all([
    settle('os', si.osInfo(), null),
    settle('cpu', si.cpu(), null),
    settle('memory', si.mem(), null),
    settle('disks', si.fsSize(), []),
    settle('network', si.networkInterfaces(), []),
  ]);
  const nicList = Array.isArray(nics) ? nics : [nics];
  return {
    hostname: osInfo?.hostname ?? '',
    os: osInfo ? `${osInfo.distro} ${osInfo.release} (${osInfo.kernel}, ${osInfo.arch})` : '',
    cpu: { brand: cpu ? `${cpu.manufacturer} ${cpu.brand}`.trim() : '', cores: cpu?.cores ?? 0, physicalCores: cpu?.physicalCores ?? 0 },
    memoryTotalBytes: mem?.total ?? 0,
    disks: fs.map((d) => ({ mount: d.mount, sizeBytes: d.size, usedBytes: d.used })),
    interfaces: nicList
      .filter((n) => !n.internal && !n.virtual && MAC.test(n.mac.toLowerCase()) && n.mac !== '00:00:00:00:00:00')
      .map((n) => ({ name: n.iface, mac: n.mac.toLowerCase(), ip4: n.ip4 || null, wired: n.type === 'wired' })),
  };
}
