import { readdir, readFile, readlink, realpath } from 'node:fs/promises';

export interface FileHolder {
  pid: number;
  command: string;
  file: string;
}

/**
 * Processes (other than this one) that have any of `files` open, found through /proc/<pid>/fd.
 * Linux only; processes whose fds this user may not read are invisible, which is why restore
 * should run as root or as the appliance's own user.
 */
export async function processesHolding(files: string[], procDir = '/proc'): Promise<FileHolder[]> {
  const wanted = new Set<string>();
  for (const f of files) {
    try {
      wanted.add(await realpath(f));
    } catch {
      // A file that does not exist cannot be held open.
    }
  }
  if (wanted.size === 0) return [];
  let pids: string[];
  try {
    pids = (await readdir(procDir)).filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid);
  } catch {
    return [];
  }
  const holders: FileHolder[] = [];
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = await readdir(`${procDir}/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      const target = await readlink(`${procDir}/${pid}/fd/${fd}`).catch(() => '');
      if (!wanted.has(target)) continue;
      const cmdline = await readFile(`${procDir}/${pid}/cmdline`, 'utf8').catch(() => '');
      holders.push({ pid: Number(pid), command: cmdline.split('\0').filter(Boolean).join(' ').slice(0, 200), file: target });
      break;
    }
  }
  return holders;
}
