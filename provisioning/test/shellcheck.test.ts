import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runProgram } from './support.js';

/** Every shell script git knows about (tracked or new, not ignored): by extension or shebang. */
async function shellScripts(): Promise<string[]> {
  const { stdout, code } = await runProgram('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z']);
  expect(code).toBe(0);
  const out: string[] = [];
  for (const rel of stdout.split('\0').filter(Boolean)) {
    if (rel.endsWith('.sh')) {
      out.push(rel);
      continue;
    }
    const head = await readFile(join(REPO, rel)).then(
      (b) => b.subarray(0, 80).toString('latin1'),
      () => '',
    );
    if (/^#!\S*\/(env\s+)?(ba|da)?sh\b/.test(head)) out.push(rel);
  }
  return out.sort();
}

describe('shell scripts', () => {
  it('finds the installers, libraries and launcher', async () => {
    const scripts = await shellScripts();
    expect(scripts).toEqual(
      expect.arrayContaining([
        'provisioning/pi/install.sh',
        'provisioning/pc/install.sh',
        'provisioning/lib/common.sh',
        'provisioning/mosquitto/auth.sh',
        'kiosk/launcher/hearth-kiosk.sh',
        'scripts/install-test-deps.sh',
        '.ci/run',
      ]),
    );
  });

  it('all pass shellcheck (following sourced files)', async () => {
    const failures: string[] = [];
    for (const rel of await shellScripts()) {
      // From the script's own folder, so `# shellcheck source=` paths resolve as they do at run time.
      const r = await runProgram('shellcheck', ['-x', '--severity=style', basename(rel)], { cwd: join(REPO, dirname(rel)) });
      if (r.code !== 0) failures.push(`${rel}:\n${r.stdout}${r.stderr}`);
    }
    expect(failures.join('\n')).toBe('');
  });
});
