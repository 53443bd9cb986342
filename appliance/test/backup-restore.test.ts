import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { tempDir, waitFor } from '@hearth/testkit';
import { tmpdir } from 'node:os';
import { restoreBackup } from '../src/backup/index.js';
import { letJobsWaitForAComputer, startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';

const run = promisify(execFile);
const KEY = 'the family backup key';

/** Rows of every table that a backup must bring back exactly (the appliance's real schema). */
function snapshot(t: TestAppliance): Record<string, unknown[]> {
  const db = t.running.app.db;
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
  return Object.fromEntries(tables.map((name) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

let t: TestAppliance;
let admin: HttpClient;
let member: HttpClient;

beforeAll(async () => {
  t = await startTestAppliance({ product: true, config: { backupKey: KEY } });
  await letJobsWaitForAComputer(t);
  admin = await t.admin();
  member = await t.user(admin, 'member', 'photographer');
});
afterAll(() => t?.close());

describe('data files', () => {
  it('keeps hearth.db, its WAL and shared memory private (0600), also ones an older version left readable', async () => {
    const files = ['hearth.db', 'hearth.db-wal', 'hearth.db-shm'].map((f) => join(t.dataDir, f));
    for (const f of files) expect((await stat(f)).mode & 0o777, f).toBe(0o600);
    await t.running.stop();
    for (const f of files) await chmod(f, 0o644).catch(() => undefined);
    await t.restart();
    for (const f of files) expect((await stat(f)).mode & 0o777, f).toBe(0o600);
  });
});

describe('backup download', () => {
  it('stops cleanly when the admin cancels the download', async () => {
    const scratchBefore = (await readdir(tmpdir())).filter((n) => n.startsWith('hearth-archive-'));
    const ac = new AbortController();
    const res = await fetch(`${t.url}/api/admin/backup`, { headers: { cookie: admin.cookie! }, signal: ac.signal });
    expect(res.status).toBe(200);
    ac.abort();
    const failed = await waitFor(async () => (await admin.get('/api/admin/audit?action=backup.failed')).json.entries[0], {
      what: 'the failed download in the audit log',
    });
    expect(failed.outcome).toBe('failed');
    await waitFor(async () => (await readdir(tmpdir())).filter((n) => n.startsWith('hearth-archive-')).length <= scratchBefore.length, {
      what: 'the scratch copy removed',
    });
    expect((await t.client().get('/healthz')).status).toBe(200);
  });
});

describe('backup → wipe → restore', () => {
  it('brings back users, sessions, jobs and media identical, and the family just carries on', async () => {
    const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 200, g: 120, b: 40 } } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([photo], { type: 'image/png' }), 'sunset.png');
    const uploaded = await member.post('/api/media', form);
    expect(uploaded.status).toBe(201);
    const job = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: uploaded.json.id, scale: 2 }, title: 'Sunset, bigger' });
    expect(job.status).toBe(201);

    // Only admins may download a backup.
    expect((await member.get('/api/admin/backup')).status).toBe(403);
    const res = await fetch(`${t.url}/api/admin/backup`, { headers: { cookie: admin.cookie! } });
    expect(res.status).toBe(200);
    const downloadedName = /filename="(hearth-.*\.tar\.gz)"/.exec(res.headers.get('content-disposition') ?? '')?.[1];
    expect(downloadedName).toBeDefined();
    const archive = Buffer.from(await res.arrayBuffer());
    const before = snapshot(t);
    expect((before.users as unknown[]).length).toBe(2);
    expect((before.sessions as unknown[]).length).toBe(2);
    expect((before.jobs as unknown[]).length).toBeGreaterThanOrEqual(1);
    expect((before.media as unknown[]).length).toBe(1);

    const scratch = await tempDir();
    try {
      await writeFile(join(scratch.path, 'backup.tar.gz'), archive);
      await mkdir(join(scratch.path, 'out'));
      await run('tar', ['xzf', join(scratch.path, 'backup.tar.gz'), '-C', join(scratch.path, 'out')]);
      const [folder] = await readdir(join(scratch.path, 'out'));

      // The Pi's SD card dies: the appliance stops, its data is gone.
      const port = Number(new URL(t.url).port);
      await t.running.stop();
      await rm(t.dataDir, { recursive: true, force: true });
      // Neither the session secret nor anything else secret is in the download in clear.
      const secret = t.running.app.settings.get().secrets.sessionSecret;
      const { stdout } = await run('grep', ['-rlF', secret, join(scratch.path, 'out')]).catch((err: { stdout: string }) => err);
      expect(stdout).toBe('');
      const restored = await restoreBackup({ backupDir: join(scratch.path, 'out', folder!), dataDir: t.dataDir, key: KEY });
      expect(restored.secrets).toBe('restored');
      await t.restart();
      expect(Number(new URL(t.url).port)).toBe(port);
    } finally {
      await scratch.remove();
    }

    // Sessions are rows too, so the member is still logged in; jobs and media are back.
    expect(snapshot(t)).toEqual(before);
    expect((await member.get('/api/me')).json.user.username).toBe('photographer');
    const mine = await member.get('/api/jobs?scope=mine');
    expect(mine.json.jobs.map((j: { title: string }) => j.title)).toContain('Sunset, bigger');
    const bytes = await fetch(`${t.url}/api/media/${uploaded.json.id}`, { headers: { cookie: member.cookie! } });
    expect(Buffer.from(await bytes.arrayBuffer()).equals(photo)).toBe(true);
    // The backup holds the record of its own download.
    const audit = await admin.get('/api/admin/audit?action=backup.downloaded');
    expect(`${audit.json.entries[0].detail.name}`).toBe(downloadedName);
  });
});
