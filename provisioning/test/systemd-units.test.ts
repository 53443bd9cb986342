import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { REPO, runProgram } from './support.js';

const UNIT_DIR = join(REPO, 'systemd');
let root: { path: string; remove(): Promise<void> };
let units: string[];

/**
 * Units are verified against a temporary root laid out like the target machine: the distro's
 * own units (for dependencies such as redis-server.service), our units in /etc/systemd/system,
 * and the programs they start as executables at their real paths (node, cage, nvidia-smi and
 * the kiosk launcher are not all installed here, so the root gets executables at those paths).
 */
beforeAll(async () => {
  root = await tempDir('hearth-units-');
  units = (await readdir(UNIT_DIR)).filter((f) => /\.(service|timer)$/.test(f)).sort();
  await cp('/usr/lib/systemd/system', join(root.path, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
  const etc = join(root.path, 'etc/systemd/system');
  await mkdir(etc, { recursive: true });
  const programs = new Set<string>();
  for (const u of units) {
    const text = await readFile(join(UNIT_DIR, u), 'utf8');
    await writeFile(join(etc, u), text);
    for (const m of text.matchAll(/^Exec(?:Start|Stop)=[-@:+!]*(\S+)/gm)) programs.add(m[1]!);
  }
  for (const p of programs) {
    const target = join(root.path, p);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, '#!/bin/sh\nexit 0\n');
    await chmod(target, 0o755);
  }
});

afterAll(async () => {
  await root.remove();
});

describe('systemd units', () => {
  it('are all present', () => {
    expect(units).toEqual([
      'hearth-appliance.service',
      'hearth-backup.service',
      'hearth-backup.timer',
      'hearth-gpu-agent.service',
      'hearth-kiosk.service',
      'hearth-nvidia-persistence.service',
    ]);
  });

  it('pass systemd-analyze verify without a single warning', async () => {
    const r = await runProgram('systemd-analyze', ['verify', `--root=${root.path}`, ...units], { cwd: join(root.path, 'etc/systemd/system') });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
  });

  it("the drop-in for Debian's caddy.service passes the same check, and the unit it makes runs Caddy without --environ", async () => {
    const etc = join(root.path, 'etc/systemd/system');
    await mkdir(join(etc, 'caddy.service.d'), { recursive: true });
    await cp(join(UNIT_DIR, 'caddy.service.d/hearth.conf'), join(etc, 'caddy.service.d/hearth.conf'));
    await mkdir(join(root.path, 'usr/bin'), { recursive: true });
    await writeFile(join(root.path, 'usr/bin/caddy'), '#!/bin/sh\nexit 0\n');
    await chmod(join(root.path, 'usr/bin/caddy'), 0o755);
    const r = await runProgram('systemd-analyze', ['verify', `--root=${root.path}`, 'caddy.service'], { cwd: etc });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.code).toBe(0);
    const merged = await runProgram('systemd-analyze', ['cat-config', `--root=${root.path}`, 'systemd/system/caddy.service']);
    const starts = merged.stdout.split('\n').filter((l) => l.startsWith('ExecStart='));
    // The drop-in empties the package's ExecStart and sets its own last: that one runs.
    expect(starts.at(-2)).toBe('ExecStart=');
    expect(starts.at(-1)).toBe('ExecStart=/usr/bin/caddy run --config /etc/caddy/Caddyfile --adapter caddyfile');
  });

  it('a unit with a typo or a missing program fails the same check (the check can fail)', async () => {
    const etc = join(root.path, 'etc/systemd/system');
    await writeFile(join(etc, 'broken-typo.service'), '[Service]\nExecStart=/usr/local/bin/node x.js\nRestart=on-failure\nProtectSytem=strict\n');
    await writeFile(join(etc, 'broken-missing.service'), '[Service]\nExecStart=/usr/bin/hearth-does-not-exist\n');
    const typo = await runProgram('systemd-analyze', ['verify', `--root=${root.path}`, 'broken-typo.service'], { cwd: etc });
    expect(typo.stderr).toMatch(/Unknown key 'ProtectSytem'/);
    const missing = await runProgram('systemd-analyze', ['verify', `--root=${root.path}`, 'broken-missing.service'], { cwd: etc });
    expect(missing.code).not.toBe(0);
  });

  // systemd's own exposure score (0 = locked down, 10 = unconfined). The kiosk keeps namespaces
  // for Chromium's sandbox, and the persistence unit needs root for the driver.
  const limits: Record<string, number> = {
    'hearth-appliance.service': 2.0,
    'hearth-backup.service': 1.0,
    'hearth-gpu-agent.service': 2.0,
    'hearth-kiosk.service': 4.5,
    'hearth-nvidia-persistence.service': 7.0,
  };
  it.each(Object.entries(limits))('%s is hardened (exposure <= %s)', async (unit, max) => {
    const r = await runProgram('systemd-analyze', ['security', '--offline=yes', `--root=${root.path}`, '--no-pager', unit], {
      cwd: join(root.path, 'etc/systemd/system'),
    });
    const m = /Overall exposure level for \S+: (\d+\.\d)/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThanOrEqual(max);
  });

  it('services restart on failure and the backup timer catches up after downtime', async () => {
    for (const u of ['hearth-appliance.service', 'hearth-gpu-agent.service']) {
      expect(await readFile(join(UNIT_DIR, u), 'utf8')).toMatch(/^Restart=on-failure$/m);
    }
    expect(await readFile(join(UNIT_DIR, 'hearth-kiosk.service'), 'utf8')).toMatch(/^Restart=always$/m);
    expect(await readFile(join(UNIT_DIR, 'hearth-backup.timer'), 'utf8')).toMatch(/^Persistent=true$/m);
  });
});
