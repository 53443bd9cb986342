import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * A wrapper script around `command` that appends the CPU seconds (user + system) each run of it
 * used to a log: on a machine shared with other work, CPU time says more than wall time. The
 * runners call the wrapper in place of the program; `take()` returns and forgets what was logged.
 */
export async function cpuTimed(command: string, dir: string, name: string): Promise<{ command: string; take: () => Promise<number> }> {
  const log = join(dir, `${name}.cpu`);
  const wrapper = join(dir, name);
  await writeFile(log, '');
  // bash's `times` (not in a pipe: a subshell has no children) prints the shell's then the
  // children's user and system time, e.g. "0m1.250s 0m0.031s"; the children's is every second line.
  await writeFile(wrapper, `#!/bin/bash\n'${command}' "$@"\nrc=$?\ntimes >> '${log}'\nexit $rc\n`);
  await chmod(wrapper, 0o755);
  return {
    command: wrapper,
    async take() {
      const lines = (await readFile(log, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .filter((_, i) => i % 2 === 1);
      await writeFile(log, '');
      const seconds = (t: string) => {
        const m = /^(\d+)m([\d.]+)s$/.exec(t);
        return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      };
      return lines.reduce(
        (sum, line) =>
          sum +
          line
            .split(/\s+/)
            .map(seconds)
            .reduce((a, b) => a + b, 0),
        0,
      );
    },
  };
}
