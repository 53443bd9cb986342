import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import { PI_INSTALLER, prefixRoot, runProgram } from './support.js';

describe('Pi installer --dry-run', () => {
  it('prints the whole plan and changes nothing', async () => {
    const r = await runProgram(PI_INSTALLER, ['--dry-run', '--lan', '10.1.2.0/24', '--agent', 'gamingpc']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.stdout + r.stderr;
    for (const step of [
      /DRY RUN: nothing will be changed/,
      /Debian packages/,
      /Node\.js 22 LTS \(official tarball\)/,
      /(useradd --system .*hearth$|system user hearth exists)/m,
      /\[plan\] (create|keep) dir \/var\/lib\/hearth\b/,
      // The built release, production packages only, swapped in whole.
      /\[plan\] build the release from \S+ in a scratch copy: npm ci && npm run release/,
      /tar -xzf '\/var\/tmp\/hearth-release\.tar\.gz' .*npm ci --omit=dev --no-audit --no-fund --workspace appliance$/m,
      /mv '\/opt\/hearth\.new' '\/opt\/hearth'/,
      /\[plan\] generate secret \/etc\/hearth\/secrets\/redis \(0600 root\)/,
      /\[plan\] generate secret \/etc\/hearth\/secrets\/mqtt-agent-gamingpc/,
      /\[plan\] write \/etc\/mosquitto\/hearth\/acl \(0640 root:mosquitto\)/,
      /build \/etc\/mosquitto\/hearth\/passwd with mosquitto_passwd \(users: appliance homeassistant agent-gamingpc\)/,
      /\[plan\] write \/etc\/redis\/hearth\.conf \(0640 redis:redis\)/,
      /\[plan\] (append to|unchanged) \/etc\/redis\/redis\.conf.*include \/etc\/redis\/hearth\.conf/,
      /\[plan\] write \/etc\/systemd\/system\/hearth-appliance\.service/,
      /\[plan\] write \/etc\/systemd\/system\/hearth-kiosk\.service/,
      /\[plan\] write \/etc\/systemd\/system\/hearth-backup\.timer/,
      /\[plan\] write \/etc\/nftables\.d\/hearth\.nft/,
      /SSH, 8080, 1883, 6379 from 10\.1\.2\.0\/24 only/,
      /\[plan\] run: systemctl enable hearth-appliance\.service hearth-backup\.timer/,
      /\[plan\] run: systemctl enable hearth-kiosk\.service/,
    ]) expect(out).toMatch(step);
    // Nothing real ran: every command is a plan line.
    expect(out).not.toMatch(/^==> wrote /m);
    expect(out).not.toMatch(/generated secret/);
  });

  it('rejects a bad agent id and a bad LAN before doing anything', async () => {
    const badId = await runProgram(PI_INSTALLER, ['--dry-run', '--lan', '10.0.0.0/24', '--agent', 'Bad/Id']);
    expect(badId.code).not.toBe(0);
    expect(badId.stderr).toMatch(/invalid agent id 'Bad\/Id'/);
    const badLan = await runProgram(PI_INSTALLER, ['--dry-run', '--lan', '10.0.0.0/24; rm -rf /']);
    expect(badLan.code).not.toBe(0);
    expect(badLan.stderr).toMatch(/--lan must be an IPv4 CIDR/);
    const unknown = await runProgram(PI_INSTALLER, ['--dry-run', '--frobnicate']);
    expect(unknown.stderr).toMatch(/unknown option: --frobnicate/);
  });
});

describe('Pi installer --prefix (real run into a throwaway root)', () => {
  let prefix: { path: string; remove(): Promise<void> };
  const p = (rel: string) => join(prefix.path, rel);
  let first: string;

  beforeAll(async () => {
    prefix = await prefixRoot();
    const r = await runProgram(PI_INSTALLER, ['--prefix', prefix.path, '--lan', '192.168.50.0/24', '--agent', 'gamingpc']);
    expect(r.code, r.stderr).toBe(0);
    first = r.stdout + r.stderr;
  });
  afterAll(async () => {
    await prefix?.remove();
  });

  it('writes secrets and files with tight modes', async () => {
    const modes: Record<string, number> = {
      'etc/hearth/secrets': 0o700,
      'etc/hearth/secrets/redis': 0o600,
      'etc/hearth/secrets/mqtt-appliance': 0o600,
      'etc/hearth/secrets/mqtt-homeassistant': 0o600,
      'etc/hearth/secrets/mqtt-agent-gamingpc': 0o600,
      'etc/hearth/appliance.env': 0o640,
      'etc/hearth/agent-gamingpc.env': 0o600,
      'etc/mosquitto/hearth/passwd': 0o640,
      'etc/mosquitto/hearth/acl': 0o640,
      'etc/redis/hearth.conf': 0o640,
      'etc/systemd/system/hearth-appliance.service': 0o644,
    };
    for (const [rel, mode] of Object.entries(modes)) expect((await stat(p(rel))).mode & 0o777, rel).toBe(mode);
    const secret = (await readFile(p('etc/hearth/secrets/redis'), 'utf8')).trim();
    expect(secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await readFile(p('etc/hearth/appliance.env'), 'utf8')).toContain(`REDIS_URL=redis://:${secret}@127.0.0.1:6379`);
    const agentEnv = await readFile(p('etc/hearth/agent-gamingpc.env'), 'utf8');
    expect(agentEnv).toMatch(/^AGENT_ID=gamingpc$/m);
    expect(agentEnv).toMatch(/^MQTT_URL=mqtt:\/\/agent-gamingpc:[A-Za-z0-9]{32}@\S+:1883$/m);
    // No secret may leak into the installer's output.
    expect(first).not.toContain(secret);
  });

  it('is idempotent: a second run keeps every secret and rewrites nothing', async () => {
    const before = await readFile(p('etc/hearth/secrets/redis'), 'utf8');
    const passwd = await readFile(p('etc/mosquitto/hearth/passwd'), 'utf8');
    const r = await runProgram(PI_INSTALLER, ['--prefix', prefix.path, '--lan', '192.168.50.0/24', '--agent', 'gamingpc']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^==> wrote /m);
    expect(r.stderr).not.toMatch(/generated secret/);
    expect(await readFile(p('etc/hearth/secrets/redis'), 'utf8')).toBe(before);
    expect(await readFile(p('etc/mosquitto/hearth/passwd'), 'utf8')).toBe(passwd);
  });

  it('writes a redis.conf that redis-server runs with: password required, AOF on', async () => {
    const port = await freePort();
    const data = await tempDir('hearth-redis-prefix-');
    const password = (await readFile(p('etc/hearth/secrets/redis'), 'utf8')).trim();
    // The test port and a private dir replace the hub's port/bind; everything else is the generated file.
    const conf = join(data.path, 'redis.conf');
    await writeFile(conf, `include ${p('etc/redis/hearth.conf')}\nport ${port}\nbind 127.0.0.1\ndir ${data.path}\ndaemonize no\n`);
    const child = spawn('redis-server', [conf], { stdio: 'ignore' });
    const cli = (...args: string[]) => runProgram('redis-cli', ['-p', String(port), ...args]);
    try {
      await waitFor(async () => (await cli('PING')).stdout.includes('NOAUTH'), { timeoutMs: 10_000, what: 'redis with the generated config' });
      const auth = ['-a', password, '--no-auth-warning'];
      expect((await cli(...auth, 'PING')).stdout.trim()).toBe('PONG');
      expect((await cli(...auth, 'CONFIG', 'GET', 'appendonly')).stdout).toMatch(/appendonly\s+yes/);
      expect((await cli(...auth, 'CONFIG', 'GET', 'maxmemory-policy')).stdout).toMatch(/noeviction/);
      expect((await cli('-a', 'wrong', '--no-auth-warning', 'PING')).stdout).not.toMatch(/PONG/);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await data.remove();
    }
  });

  it('writes an nftables ruleset that nft accepts and that opens only the LAN ports', async () => {
    const file = p('etc/nftables.d/hearth.nft');
    const check = await runProgram('nft', ['-c', '-f', file]);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const rules = await readFile(file, 'utf8');
    expect(rules).toMatch(/policy drop;/);
    expect(rules).toMatch(/elements = \{ 192\.168\.50\.0\/24 \}/);
    expect(rules).toMatch(/ip saddr @lan4 tcp dport \{ 22, 8080, 1883, 6379 \} accept/);
    // Every port accept is restricted to a LAN source set.
    for (const line of rules.split('\n').filter((l) => /tcp dport/.test(l))) expect(line).toMatch(/saddr @lan[46]/);
  });

  it('a broken ruleset is refused by the same check', async () => {
    const broken = join(prefix.path, 'broken.nft');
    await writeFile(broken, 'table inet x { chain input { type filter hook input priority filter; policy drop; tcp dport { 22, 8080 accept } }\n');
    const check = await runProgram('nft', ['-c', '-f', broken]);
    expect(check.code).not.toBe(0);
  });
});
