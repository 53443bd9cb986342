import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PC_INSTALLER, prefixRoot, runProgram } from './support.js';

const ENV =
  'AGENT_ID=gamingpc\nMQTT_URL=mqtt://agent-gamingpc:secretsecret@10.0.0.2:1883\nREDIS_URL=redis://:pw@10.0.0.2:6379\nAPPLIANCE_URL=http://10.0.0.2:8080\n';
let prefix: { path: string; remove(): Promise<void> };
let envFile: string;
let iface: string;

beforeAll(async () => {
  prefix = await prefixRoot();
  envFile = join(prefix.path, 'agent.env');
  await writeFile(envFile, ENV);
  // Any interface with an Ethernet MAC on this machine stands in for the PC's NIC.
  const links = (await runProgram('ip', ['-o', 'link', 'show'])).stdout;
  iface = /^\d+: ([^:@]+)[^\n]*link\/ether ([0-9a-f:]{17})/m.exec(links)?.[1] ?? '';
  expect(iface, 'an interface with a MAC address').not.toBe('');
});
afterAll(async () => {
  await prefix?.remove();
});

describe('PC installer', () => {
  it('--dry-run prints the plan: agent user, persistence, Wake-on-LAN, suspend rule, unit', async () => {
    const r = await runProgram(PC_INSTALLER, ['--dry-run', '--env-file', envFile, '--iface', iface]);
    expect(r.code, r.stderr).toBe(0);
    for (const step of [
      /(useradd --system .*hearth-agent$|system user hearth-agent exists)/m,
      /\[plan\] write \/etc\/hearth\/gpu-agent\.env \(0640 root:hearth-agent\)/,
      /(nvidia-persistenced\.service|hearth-nvidia-persistence\.service)/,
      /\[plan\] write \/etc\/systemd\/network\/50-hearth-wol\.link/,
      new RegExp(`\\[plan\\] run: ethtool -s ${iface} wol g`),
      /\[plan\] write \/etc\/polkit-1\/rules\.d\/50-hearth-agent-suspend\.rules/,
      /\[plan\] write \/etc\/systemd\/system\/hearth-gpu-agent\.service/,
      /\[plan\] run: systemctl enable hearth-gpu-agent\.service/,
      // The built release with the agent's production packages only.
      /\[plan\] build the release from \S+ in a scratch copy: npm ci && npm run release/,
      /npm ci --omit=dev --no-audit --no-fund --workspace gpu-agent$/m,
    ])
      expect(r.stdout).toMatch(step);
    expect(r.stdout).not.toMatch(/^==> wrote /m);
  });

  it('--release FILE installs that tarball instead of building one, and refuses a missing file', async () => {
    const tarball = join(prefix.path, 'hearth-9.9.9.tar.gz');
    await writeFile(tarball, 'not really a tarball: the dry run only plans');
    const r = await runProgram(PC_INSTALLER, ['--dry-run', '--env-file', envFile, '--iface', iface, '--release', tarball]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/build the release/);
    expect(r.stdout).toMatch(new RegExp(`tar -xzf '${tarball.replace(/[.]/g, '\\.')}' .*npm ci --omit=dev .*--workspace gpu-agent$`, 'm'));
    const missing = await runProgram(PC_INSTALLER, ['--dry-run', '--env-file', envFile, '--iface', iface, '--release', join(prefix.path, 'nope.tar.gz')]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--release .*nope\.tar\.gz: no such file/);
  });

  it('refuses an env file that is not what the hub installer makes', async () => {
    const bad = join(prefix.path, 'bad.env');
    await writeFile(bad, 'MQTT_URL=mqtt://x\n');
    const r = await runProgram(PC_INSTALLER, ['--dry-run', '--env-file', bad, '--iface', iface]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/lacks AGENT_ID=/);
    await writeFile(bad, `${ENV}$(reboot)\n`);
    expect((await runProgram(PC_INSTALLER, ['--dry-run', '--env-file', bad, '--iface', iface])).stderr).toMatch(/not KEY=value/);
  });

  describe('--prefix', () => {
    beforeAll(async () => {
      const r = await runProgram(PC_INSTALLER, ['--prefix', prefix.path, '--env-file', envFile, '--iface', iface]);
      expect(r.code, r.stderr).toBe(0);
    });

    it('enables Wake-on-LAN for the NIC by MAC, keeping its name', async () => {
      const mac = (await readFile(`/sys/class/net/${iface}/address`, 'utf8')).trim();
      const link = await readFile(join(prefix.path, 'etc/systemd/network/50-hearth-wol.link'), 'utf8');
      expect(link).toMatch(new RegExp(`^\\[Match\\]\\nMACAddress=${mac}$`, 'm'));
      expect(link).toMatch(/^WakeOnLan=magic$/m);
      expect(link).toMatch(/^NamePolicy=keep /m);
    });

    it('installs the agent settings 0640 and the unit', async () => {
      expect((await stat(join(prefix.path, 'etc/hearth/gpu-agent.env'))).mode & 0o777).toBe(0o640);
      expect(await readFile(join(prefix.path, 'etc/hearth/gpu-agent.env'), 'utf8')).toBe(ENV);
      expect(await readFile(join(prefix.path, 'etc/systemd/system/hearth-gpu-agent.service'), 'utf8')).toMatch(/^User=hearth-agent$/m);
    });

    it('the polkit rule lets the agent suspend and nothing else', async () => {
      // polkit's JavaScript rules API (polkit(8)): addRule(fn(action, subject)) and Result constants.
      const rules: ((action: { id: string }, subject: { user: string }) => string)[] = [];
      const polkit = { Result: { YES: 'yes', NO: 'no', NOT_HANDLED: 'not-handled' }, addRule: (fn: (typeof rules)[number]) => rules.push(fn) };
      runInNewContext(await readFile(join(prefix.path, 'etc/polkit-1/rules.d/50-hearth-agent-suspend.rules'), 'utf8'), { polkit });
      const decide = (id: string, user: string) => rules.map((r) => r({ id }, { user })).find((v) => v !== 'not-handled') ?? 'not-handled';
      expect(decide('org.freedesktop.login1.suspend', 'hearth-agent')).toBe('yes');
      expect(decide('org.freedesktop.login1.suspend-multiple-sessions', 'hearth-agent')).toBe('yes');
      for (const other of [
        'org.freedesktop.login1.power-off',
        'org.freedesktop.login1.reboot',
        'org.freedesktop.login1.hibernate',
        'org.freedesktop.login1.suspend-ignore-inhibit',
      ]) {
        expect(decide(other, 'hearth-agent'), other).toBe('not-handled');
      }
      expect(decide('org.freedesktop.login1.suspend', 'alice')).toBe('not-handled');
    });
  });
});
