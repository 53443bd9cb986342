import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import { REPO } from './support.js';

const ENTRYPOINT = join(REPO, 'provisioning/caddy/compose-entrypoint.sh');

/** compose.yml's caddy entrypoint, run with this machine's Caddy (Debian package) and the repository's Caddyfile. */
describe('the caddy service entrypoint (compose.yml)', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir('hearth-caddy-entry-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it("copies the root certificate of Caddy's new CA to the shared volume, world-readable, and stops Caddy on SIGTERM", async () => {
    const data = join(dir.path, 'data');
    const exported = join(dir.path, 'hub-ca/root.crt');
    const child = spawn('sh', [ENTRYPOINT], {
      env: {
        ...process.env,
        HOME: dir.path,
        XDG_DATA_HOME: dir.path,
        XDG_CONFIG_HOME: dir.path,
        HEARTH_CADDYFILE: join(REPO, 'provisioning/Caddyfile'),
        HEARTH_CADDY_DATA: data,
        HEARTH_CA_EXPORT: exported,
        HEARTH_HTTP_PORT: String(await freePort()),
        HEARTH_HTTPS_PORT: String(await freePort()),
        HEARTH_LAN_IP: '127.0.0.1',
        HEARTH_CADDY_SITES: join(dir.path, 'sites'),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(async () => (await stat(exported).catch(() => null))?.isFile() ?? false, { timeoutMs: 60_000, what: 'the exported root certificate' });
      expect(await readFile(exported, 'utf8')).toBe(await readFile(join(data, 'pki/authorities/local/root.crt'), 'utf8'));
      expect((await stat(exported)).mode & 0o777).toBe(0o644);
      // Caddy's own copy stays owner-only.
      expect((await stat(join(data, 'pki/authorities/local/root.crt'))).mode & 0o077).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
  }, 90_000);
});
