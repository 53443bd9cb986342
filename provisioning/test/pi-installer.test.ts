import { spawn } from 'node:child_process';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import { PI_INSTALLER, prefixRoot, REPO, runProgram } from './support.js';

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
      /\[plan\] run: systemctl enable hearth-appliance\.service hearth-backup\.timer/,
      /\[plan\] run: systemctl enable hearth-kiosk\.service/,
      // HTTPS: Caddy and Avahi from Debian, the kiosk's certutil, Caddy configured, checked and started.
      /Debian packages: .*\bcaddy avahi-daemon\b.*\blibnss3-tools\b/,
      /HTTPS: Caddy with its own CA for hearth\.local and /,
      /\[plan\] write \/etc\/caddy\/Caddyfile \(0644 root:root\)/,
      /\[plan\] write \/etc\/hearth\/caddy\.env \(0600 root:root\)/,
      /\[plan\] write \/etc\/systemd\/system\/caddy\.service\.d\/hearth\.conf/,
      /\[plan\] run: caddy validate/,
      /\[plan\] set host-name=hearth in \/etc\/avahi\/avahi-daemon\.conf \(announces hearth\.local\)/,
      /\[plan\] run: systemctl enable --now .*caddy\.service avahi-daemon\.service/,
      /\[plan\] wait for the root certificate of Caddy, \/var\/lib\/caddy\/pki\/authorities\/local\/root\.crt, and copy it to \/etc\/hearth-ca\/root\.crt/,
      /SSH, HTTP\(S\), 8080, 1883, 6379 from 10\.1\.2\.0\/24 only/,
      /Portal: +https:\/\/hearth\.local/,
    ])
      expect(out).toMatch(step);
    // The root certificate is copied after Caddy runs and before the appliance and kiosk restart.
    const order = [
      'run: systemctl enable --now',
      'copy it to /etc/hearth-ca/root.crt',
      'run: systemctl restart hearth-appliance',
      'run: systemctl restart hearth-kiosk',
    ].map((s) => out.indexOf(s));
    expect(
      order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!)),
      String(order),
    ).toBe(true);
    // Nothing real ran: every command is a plan line.
    expect(out).not.toMatch(/^==> wrote /m);
    expect(out).not.toMatch(/generated secret/);
  });

  it('plans a family domain with ACME over the DNS challenge', async () => {
    const dir = await tempDir('hearth-dns-');
    try {
      const token = join(dir.path, 'token');
      await writeFile(token, 'cf-token_123\n');
      const args = [
        '--dry-run',
        '--lan',
        '10.1.2.0/24',
        '--hostname',
        'home-hub',
        '--domain',
        'hub.example.com',
        '--dns-provider',
        'cloudflare',
        '--dns-token-file',
        token,
      ];
      const r = await runProgram(PI_INSTALLER, args);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/Caddy with its own CA for home-hub\.local and \S+, ACME \(DNS challenge, cloudflare\) for hub\.example\.com/);
      expect(r.stdout).toMatch(/\[plan\] check: caddy list-modules has dns\.providers\.cloudflare/);
      expect(r.stdout).toMatch(/\[plan\] write \/etc\/caddy\/hearth\.d\/domain\.caddy/);
      expect(r.stdout).toMatch(/announces home-hub\.local/);
      expect(r.stdout + r.stderr).not.toContain('cf-token_123');
      for (const [bad, message] of [
        [['--domain', 'hub.example.com'], /--domain needs --dns-provider/],
        [['--domain', 'hub.example.com', '--dns-provider', 'cloudflare'], /--domain needs --dns-token-file/],
        [['--domain', 'hub.example.com;reboot', '--dns-provider', 'cloudflare', '--dns-token-file', token], /--domain must be a lowercase domain name/],
        [['--dns-provider', 'cloudflare'], /go with --domain/],
        [['--hostname', 'Hub_1'], /--hostname must be one DNS label/],
      ] as const) {
        const refused = await runProgram(PI_INSTALLER, ['--dry-run', '--lan', '10.1.2.0/24', ...bad]);
        expect(refused.code, bad.join(' ')).not.toBe(0);
        expect(refused.stderr).toMatch(message);
      }
      await writeFile(token, 'two words\n');
      const badToken = await runProgram(PI_INSTALLER, args);
      expect(badToken.stderr).toMatch(/must be one line of letters, digits/);
    } finally {
      await dir.remove();
    }
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

  /** Caddy's root certificate as the running Caddy would have made it (openssl stands in for its first start). */
  let caRoot: string;

  beforeAll(async () => {
    prefix = await prefixRoot();
    await mkdir(p('var/lib/caddy/pki/authorities/local'), { recursive: true });
    const made = await runProgram('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      p('var/lib/caddy/pki/authorities/local/root.key'),
      '-out',
      p('var/lib/caddy/pki/authorities/local/root.crt'),
      '-days',
      '30',
      '-subj',
      '/CN=Caddy Local Authority - test Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ]);
    expect(made.code, made.stderr).toBe(0);
    caRoot = await readFile(p('var/lib/caddy/pki/authorities/local/root.crt'), 'utf8');
    // Debian's avahi-daemon.conf names the host only in a comment.
    await mkdir(p('etc/avahi'), { recursive: true });
    await writeFile(p('etc/avahi/avahi-daemon.conf'), '[server]\n#host-name=foo\n#domain-name=local\nuse-ipv4=yes\n');
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

  it("puts Caddy in front: the repository's Caddyfile, its environment, the unit drop-in, one trusted hop and the CA copy", async () => {
    expect(await readFile(p('etc/caddy/Caddyfile'), 'utf8')).toBe(await readFile(join(REPO, 'provisioning/Caddyfile'), 'utf8'));
    expect((await stat(p('etc/hearth/caddy.env'))).mode & 0o777).toBe(0o600);
    const env = await readFile(p('etc/hearth/caddy.env'), 'utf8');
    expect(env).toMatch(/^HEARTH_HOSTNAME=hearth\.local$/m);
    expect(env).not.toMatch(/HEARTH_DNS_TOKEN/);
    const dropIn = await readFile(p('etc/systemd/system/caddy.service.d/hearth.conf'), 'utf8');
    expect(dropIn).toMatch(/^EnvironmentFile=\/etc\/hearth\/caddy\.env$/m);
    // The package's ExecStart prints its environment (--environ) into the journal; ours does not.
    expect(dropIn).toMatch(/^ExecStart=\nExecStart=\/usr\/bin\/caddy run --config \/etc\/caddy\/Caddyfile --adapter caddyfile$/m);
    expect(first).toMatch(/Caddy configuration validated/);
    const appliance = await readFile(p('etc/hearth/appliance.env'), 'utf8');
    expect(appliance).toMatch(/^HEARTH_TRUST_PROXY=127\.0\.0\.1,::1$/m);
    expect(appliance).toMatch(/^HEARTH_CA_CERT=\/etc\/hearth-ca\/root\.crt$/m);
    expect(await readFile(p('etc/hearth-ca/root.crt'), 'utf8')).toBe(caRoot);
    expect((await stat(p('etc/hearth-ca/root.crt'))).mode & 0o777).toBe(0o644);
    expect(await readFile(p('etc/avahi/avahi-daemon.conf'), 'utf8')).toBe('[server]\nhost-name=hearth\n#domain-name=local\nuse-ipv4=yes\n');
  });

  it('refuses a family domain when this Caddy lacks the DNS module, before writing anything', async () => {
    const other = await prefixRoot();
    try {
      const token = join(other.path, 'token');
      await writeFile(token, 'abc123\n');
      const r = await runProgram(PI_INSTALLER, [
        '--prefix',
        other.path,
        '--lan',
        '192.168.50.0/24',
        '--domain',
        'hub.example.com',
        '--dns-provider',
        'cloudflare',
        '--dns-token-file',
        token,
      ]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/this Caddy has no dns\.providers\.cloudflare module/);
      await expect(stat(join(other.path, 'etc'))).rejects.toThrow();
    } finally {
      await other.remove();
    }
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
    expect(rules).toMatch(/ip saddr @lan4 tcp dport \{ 22, 80, 443, 8080, 1883, 6379 \} accept/);
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
