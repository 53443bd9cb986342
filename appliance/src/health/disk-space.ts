import { statfs } from 'node:fs/promises';

export const DEFAULT_MIN_FREE_BYTES = 16 * 1024 * 1024;

/** /readyz's disk check: fails, saying how much is free, when the data disk runs out of room. */
export function diskSpaceCheck(dir: string, minFreeBytes: number): () => Promise<boolean> {
  return async () => {
    const s = await statfs(dir);
    const free = s.bavail * s.bsize;
    if (free < minFreeBytes) {
      throw new Error(
        `the data disk (${dir}) has ${Math.floor(free / 1024 / 1024)} MiB free; Hearth needs at least ${Math.ceil(minFreeBytes / 1024 / 1024)} MiB: delete old pictures or backups`,
      );
    }
    return true;
  };
}
