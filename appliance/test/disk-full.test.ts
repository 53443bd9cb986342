import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@hearth/testkit';
import { letJobsWaitForAComputer, startTestAppliance, type TestAppliance } from './support/harness.js';
import type { HttpClient } from './support/http-client.js';
import { png, uploadForm } from './jobs-fixtures.js';

// Issue 12, item 15: the data disk fills up under hearth.db and media. A real small file system
// (tmpfs, mounted here) holds the appliance's data dir; a filler file takes every free byte.

const mountpoint = mkdtempSync(join(tmpdir(), 'hearth-full-disk-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', mountpoint], { stdio: 'pipe' });
  mounted = true;
} catch (err) {
  console.warn(`disk-full tests skipped: cannot mount a small tmpfs here (${(err as Error).message.split('\n')[0]}); they need root`);
}

let t: TestAppliance;
let member: HttpClient;
let photoId: string;
const filler = join(mountpoint, 'filler');

beforeAll(async () => {
  if (!mounted) return;
  t = await startTestAppliance({ product: true, config: { dataDir: join(mountpoint, 'data') } });
  await letJobsWaitForAComputer(t);
  const admin = await t.admin();
  member = await t.user(admin, 'member');
  const up = await member.post('/api/media', uploadForm(await png(32, 32, '#48c')));
  expect(up.status).toBe(201);
  photoId = up.json.id;
}, 60_000);

afterAll(async () => {
  await t?.close().catch(() => undefined);
  if (mounted) execFileSync('umount', ['-l', mountpoint]);
  rmSync(mountpoint, { recursive: true, force: true });
});

/** Write zeros until the file system refuses (ENOSPC). */
async function fillDisk(): Promise<void> {
  const f = await open(filler, 'w');
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) await f.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    // Whatever still fits in a smaller write goes too: not a byte left.
    for (const size of [4096, 512, 1]) {
      try {
        for (;;) await f.write(Buffer.alloc(size));
      } catch {
        /* full */
      }
    }
    await f.close().catch(() => undefined);
  }
}

describe.runIf(mounted)('a full data disk', () => {
  it('answers 507 with what to do, stays up, keeps what was committed, reports the disk, and recovers by itself', async () => {
    const before = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId }, title: 'before the disk filled' });
    expect(before.status).toBe(201);
    // An empty WAL must grow to take the next write: the disk being full then shows at once.
    t.running.app.db.pragma('wal_checkpoint(TRUNCATE)');
    await fillDisk();

    const statuses: number[] = [];
    let refusal: { message: string } | undefined;
    for (let i = 0; i < 30; i++) {
      const res = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId }, title: `while full ${i}` });
      statuses.push(res.status);
      if (res.status === 507) refusal = res.json;
    }
    expect(statuses.filter((s) => s !== 201 && s !== 507)).toEqual([]);
    expect(statuses).toContain(507);
    expect(refusal!.message).toMatch(/disk is full.*Free some space/);

    const upload = await member.post('/api/media', uploadForm(await png(40, 40, '#c84')));
    expect(upload.status).toBe(507);
    expect(upload.json.message).toMatch(/disk is full: the picture could not be saved/);

    expect((await t.client().get('/healthz')).status).toBe(200);
    const ready = await t.client().get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.json.checks.disk).toMatchObject({ ok: false, error: expect.stringMatching(/MiB free; Hearth needs at least \d+ MiB/) });

    // Space comes back: no restart, it just works again.
    await rm(filler);
    await waitFor(async () => (await t.client().get('/readyz')).json.checks.disk.ok === true, { timeoutMs: 20_000, what: 'the disk check passing again' });
    const after = await member.post('/api/jobs', { type: 'image.upscale', input: { mediaId: photoId }, title: 'after space returned' });
    expect(after.status).toBe(201);
    const again = await member.post('/api/media', uploadForm(await png(40, 40, '#c84')));
    expect(again.status).toBe(201);
    const titles = (await member.get('/api/jobs?limit=200')).json.jobs.map((j: { title: string }) => j.title);
    expect(titles).toContain('before the disk filled');
    expect(titles).toContain('after space returned');
    // Refused submissions left nothing behind: every job in the list is one that got a 201.
    expect(titles.length).toBe(2 + statuses.filter((s) => s === 201).length);
  });
});
