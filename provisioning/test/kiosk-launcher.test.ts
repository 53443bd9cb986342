import { X509Certificate } from 'node:crypto';
import { access, mkdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '@hearth/testkit';
import { REPO, runProgram } from './support.js';

const LAUNCHER = join(REPO, 'kiosk/launcher/hearth-kiosk.sh');
let home: { path: string; remove(): Promise<void> };
beforeEach(async () => {
  home = await tempDir('hearth-kiosk-');
});
afterEach(async () => {
  await home.remove();
});

const prepare = (env: NodeJS.ProcessEnv = {}) =>
  runProgram(LAUNCHER, ['--prepare'], {
    env: { ...process.env, HEARTH_KIOSK_HOME: home.path, HOME: home.path, HEARTH_KIOSK_CA: join(home.path, 'none.crt'), ...env },
  });

/** A self-signed CA certificate made by openssl, as Caddy's root is one. */
async function makeCa(name: string): Promise<string> {
  const [key, crt] = [join(home.path, `${name}.key`), join(home.path, `${name}.crt`)];
  const r = await runProgram('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    crt,
    '-days',
    '30',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  expect(r.code, r.stderr).toBe(0);
  return crt;
}

/** The certificates in the kiosk's NSS database: nickname → trust flags, and the Hearth one's PEM. */
async function nssdb(): Promise<{ list: string; pem: string }> {
  const db = `sql:${join(home.path, '.pki/nssdb')}`;
  const list = await runProgram('certutil', ['-L', '-d', db]);
  expect(list.code, list.stderr).toBe(0);
  const pem = await runProgram('certutil', ['-L', '-d', db, '-n', 'Hearth hub CA', '-a']);
  return { list: list.stdout, pem: pem.stdout };
}

describe('kiosk launcher', () => {
  it('marks a crashed Chromium session as clean, so no restore bubble appears', async () => {
    const prefs = join(home.path, 'chromium/Default/Preferences');
    await mkdir(join(home.path, 'chromium/Default'), { recursive: true });
    await writeFile(prefs, '{"profile":{"exit_type":"Crashed","exited_cleanly":false,"name":"Kiosk"}}');
    await writeFile(join(home.path, 'chromium/Local State'), '{"exited_cleanly":false}');
    const r = await prepare();
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await readFile(prefs, 'utf8'))).toEqual({ profile: { exit_type: 'Normal', exited_cleanly: true, name: 'Kiosk' } });
    expect(JSON.parse(await readFile(join(home.path, 'chromium/Local State'), 'utf8'))).toEqual({ exited_cleanly: true });
  });

  it('writes a transparent "default" cursor theme (a valid 1x1 Xcursor image)', async () => {
    expect((await prepare()).code).toBe(0);
    const cursor = await readFile(join(home.path, 'icons/default/cursors/default'));
    // Xcursor layout (little-endian): magic, header size, version, ntoc, toc entry, image chunk.
    expect(cursor.subarray(0, 4).toString('latin1')).toBe('Xcur');
    const u32 = (o: number) => cursor.readUInt32LE(o);
    expect([u32(4), u32(8), u32(12)]).toEqual([16, 0x10000, 1]);
    expect([u32(16), u32(20), u32(24)]).toEqual([0xfffd0002, 24, 28]);
    const img = 28;
    expect([u32(img), u32(img + 4), u32(img + 12), u32(img + 16), u32(img + 20)]).toEqual([36, 0xfffd0002, 1, 1, 1]);
    expect(u32(img + 36)).toBe(0); // the single pixel, fully transparent
    expect(cursor.length).toBe(img + 36 + 4);
    expect(await readlink(join(home.path, 'icons/default/cursors/left_ptr'))).toBe('default');
  });

  it("trusts the hub CA in Chromium's NSS database, and follows a new CA after a reinstall", async () => {
    const first = await makeCa('Hub CA one');
    expect((await prepare({ HEARTH_KIOSK_CA: first })).code).toBe(0);
    let db = await nssdb();
    expect(db.list).toMatch(/^Hearth hub CA\s+C,,\s*$/m);
    expect(new X509Certificate(db.pem).fingerprint256).toBe(new X509Certificate(await readFile(first)).fingerprint256);
    // A second start with a new CA: exactly one Hearth CA, the new one.
    const second = await makeCa('Hub CA two');
    const again = await prepare({ HEARTH_KIOSK_CA: second });
    expect(again.code, again.stderr).toBe(0);
    db = await nssdb();
    expect(db.list.match(/^Hearth hub CA\b/gm)).toHaveLength(1);
    expect(new X509Certificate(db.pem).fingerprint256).toBe(new X509Certificate(await readFile(second)).fingerprint256);
  });

  it('leaves the NSS database alone when the hub has no CA (development, no Caddy)', async () => {
    expect((await prepare()).code).toBe(0);
    await expect(access(join(home.path, '.pki'))).rejects.toThrow();
  });

  it('starts Chromium in kiosk mode without crash bubble, error dialogs or first-run UI', async () => {
    const text = await readFile(LAUNCHER, 'utf8');
    for (const flag of ['--kiosk "$URL"', '--disable-session-crashed-bubble', '--noerrdialogs', '--no-first-run', '--ozone-platform=wayland']) {
      expect(text).toContain(flag);
    }
    expect(text).toMatch(/^exec chromium /m);
    const unit = await readFile(join(REPO, 'systemd/hearth-kiosk.service'), 'utf8');
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/cage -d -s -- \/opt\/hearth\/kiosk\/launcher\/hearth-kiosk\.sh$/m);
  });
});
