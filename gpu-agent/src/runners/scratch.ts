import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Working folders for the programs runners call (ffmpeg, Piper, espeak-ng). The name carries the
 * agent's pid, so a later agent can tell what a killed one left behind from what a live one uses.
 */
export function scratchDir(what: string, root = tmpdir()): Promise<string> {
  return mkdtemp(join(root, `hearth-${what}-${process.pid}-`));
}

const SCRATCH = /^hearth-[a-z]+-(\d+)-/;

/** Removes the working folders of agents that are no longer running (killed mid-job); returns their names. */
export async function sweepScratch(root = tmpdir()): Promise<string[]> {
  const stale = (await readdir(root).catch(() => [])).filter((name) => {
    const pid = Number(SCRATCH.exec(name)?.[1]);
    return pid > 0 && pid !== process.pid && !alive(pid);
  });
  await Promise.all(stale.map((name) => rm(join(root, name), { recursive: true, force: true })));
  return stale;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
