import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import { announceAgent, deviceClient, png, startInlineWorker, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let admin: HttpClient;
let member: HttpClient;
let child: HttpClient;
let kiosk: HttpClient;
let presence: Awaited<ReturnType<typeof announceAgent>>;

beforeAll(async () => {
  h = await startJobsAppliance({ tuning: { media: { uploadBytes: 256 * 1024, maxPixels: 4_000_000 } } });
  admin = await h.t.admin();
  member = await h.t.user(admin, 'member');
  child = await h.t.user(admin, 'child');
  kiosk = await deviceClient(h.t, admin, 'kiosk');
  presence = await announceAgent(h.t.mosquitto.url, { agentId: 'pc' });
});
afterAll(async () => {
  await presence?.close();
  await h?.close();
});

describe('uploads', () => {
  it('stores a picture content-addressed and answers with its view', async () => {
    const bytes = await png(40, 30);
    const res = await member.post('/api/media', uploadForm(bytes, 'application/octet-stream'));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      contentType: 'image/png',
      width: 40,
      height: 30,
      bytes: bytes.length,
      privacy: 'private',
      moderation: 'pending',
      jobId: null,
    });
    const id = res.json.id as string;
    expect(existsSync(join(h.mediaDir, 'media', id.slice(0, 2), id))).toBe(true);
    const back = await member.get(`/api/media/${id}`);
    expect(back.status).toBe(200);
    expect(Buffer.from(back.text, 'latin1').length).toBeGreaterThan(0);
    const download = await member.get(`/api/media/${id}?download=1`);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment/);
    // The same picture again by its owner: the existing item, not a second one.
    const again = await member.post('/api/media', uploadForm(bytes));
    expect(again.status).toBe(200);
    expect(again.json.id).toBe(id);
  });

  it('gives two members who upload the same picture privately an item each: no 409, nothing revealed, one file on disk', async () => {
    const bytes = await png(33, 21, '#123456');
    const other = await h.t.user(admin, 'member');
    const first = await member.post('/api/media', uploadForm(bytes));
    expect(first.status).toBe(201);
    const second = await other.post('/api/media', uploadForm(bytes));
    expect(second.status).toBe(201);
    expect(second.json.id).not.toBe(first.json.id);
    expect(second.json.privacy).toBe('private');
    expect(second.json.ownerName).not.toBe(first.json.ownerName);
    // Neither sees the other's item; each sees and downloads their own.
    expect((await other.get(`/api/media/${first.json.id}`)).status).toBe(404);
    expect((await member.get(`/api/media/${second.json.id}`)).status).toBe(404);
    expect((await other.get(`/api/media/${second.json.id}`)).status).toBe(200);
    expect((await other.get(`/api/media/${second.json.id}/thumbnail?size=256`)).status).toBe(200);
    expect((await other.get('/api/media?scope=mine')).json.media.map((m: { id: string }) => m.id)).toEqual([second.json.id]);
    // One file on disk; deleting one item keeps the bytes for the other, deleting both removes them.
    const file = join(h.mediaDir, 'media', first.json.id.slice(0, 2), first.json.id);
    expect(existsSync(file)).toBe(true);
    expect((await member.delete(`/api/media/${first.json.id}`)).status).toBe(204);
    expect(existsSync(file)).toBe(true);
    expect((await other.get(`/api/media/${second.json.id}`)).status).toBe(200);
    expect((await other.delete(`/api/media/${second.json.id}`)).status).toBe(204);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses files over the size limit with 413', async () => {
    const big = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#000' } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    expect(big.length).toBeGreaterThan(256 * 1024);
    const res = await member.post('/api/media', uploadForm(big));
    expect(res.status).toBe(413);
    expect(res.json.message).toMatch(/larger than/);
  });

  it('refuses pictures over the pixel limit with 413', async () => {
    const wide = await sharp({ create: { width: 4000, height: 1100, channels: 3, background: '#000' } })
      .png({ compressionLevel: 9 })
      .toBuffer();
    const res = await member.post('/api/media', uploadForm(wide));
    expect(res.status).toBe(413);
    expect(res.json.message).toMatch(/4000×1100 pixels/);
  });

  it('refuses what is not a JPEG, PNG, WebP or GIF, whatever it claims to be', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
    const res = await member.post('/api/media', uploadForm(pdf, 'image/png'));
    expect(res.status).toBe(415);
    expect(res.json.message).toMatch(/Only JPEG, PNG, WebP and GIF pictures can be uploaded \(this file is application\/pdf\)/);
    const text = await member.post('/api/media', uploadForm(Buffer.from('hello'), 'image/jpeg'));
    expect(text.status).toBe(415);
    expect((await member.post('/api/media', { file: 'x' })).status).toBe(415);
    const noFile = new FormData();
    noFile.append('privacy', 'family');
    expect((await member.post('/api/media', noFile)).json.message).toBe('body.file is required');
    const badPrivacy = await member.post('/api/media', uploadForm(await png(), 'image/png', 'public'));
    expect(badPrivacy.status).toBe(400);
    expect(badPrivacy.json.message).toMatch(/body\.privacy must be one of/);
  });
});

describe('who sees what', () => {
  it('applies privacy and moderation per role, and moderates every upload with a system job', async () => {
    const family = (await member.post('/api/media', uploadForm(await png(10, 10, '#101'), 'image/png', 'family'))).json;
    const onKiosk = (await member.post('/api/media', uploadForm(await png(10, 10, '#202'), 'image/png', 'kiosk'))).json;
    const secret = (await member.post('/api/media', uploadForm(await png(10, 10, '#303')))).json;
    const otherMember = await h.t.user(admin, 'member');
    const ids = (c: HttpClient, scope: string) => c.get(`/api/media?scope=${scope}&limit=200`).then((r) => r.json.media.map((m: { id: string }) => m.id));

    // Pending: members see family items, children and the kiosk nothing yet.
    expect(await ids(otherMember, 'family')).toEqual(expect.arrayContaining([family.id, onKiosk.id]));
    expect(await ids(otherMember, 'family')).not.toContain(secret.id);
    expect(await ids(child, 'family')).toEqual([]);
    expect(await ids(kiosk, 'kiosk')).toEqual([]);
    expect((await child.get(`/api/media/${family.id}`)).status).toBe(404);
    expect((await otherMember.get(`/api/media/${secret.id}`)).status).toBe(404);

    // Each upload queued an image.moderate job owned by Hearth; a worker answers with verdicts.
    const jobs = (await admin.get('/api/jobs?scope=all&limit=200')).json.jobs.filter((j: { type: string }) => j.type === 'image.moderate');
    expect(jobs.map((j: { input: { mediaId: string } }) => j.input.mediaId)).toEqual(expect.arrayContaining([family.id, onKiosk.id, secret.id]));
    expect(jobs.every((j: { ownerId: null; ownerName: string }) => j.ownerId === null && j.ownerName === 'Hearth')).toBe(true);
    const worker = await startInlineWorker(h.t.redis.url, 'builtin', async (job) => {
      const mediaId = (job.data.input as { mediaId: string }).mediaId;
      return { artifacts: [], data: { verdict: mediaId === onKiosk.id || mediaId === family.id ? 'safe' : 'unsafe' } };
    });
    try {
      await waitFor(async () => (await ids(kiosk, 'kiosk')).includes(onKiosk.id), { timeoutMs: 10_000, what: 'kiosk item moderated safe' });
      await waitFor(async () => (await ids(child, 'family')).includes(family.id), { timeoutMs: 10_000 });
    } finally {
      await worker.close();
    }
    expect(await ids(child, 'family')).toEqual(expect.arrayContaining([family.id, onKiosk.id]));
    expect(await ids(kiosk, 'kiosk')).toEqual([onKiosk.id]);
    expect((await kiosk.get(`/api/media/${family.id}`)).status).toBe(404);
    expect((await kiosk.get(`/api/media/${onKiosk.id}`)).status).toBe(200);
    expect(await ids(member, 'mine')).toContain(secret.id);
  });

  it('serves cached WebP thumbnails', async () => {
    const pic = (await member.post('/api/media', uploadForm(await png(600, 300, '#456')))).json;
    const res = await member.get(`/api/media/${pic.id}/thumbnail?size=256`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const cached = join(h.mediaDir, 'thumbnails', '256', pic.id.slice(0, 2), `${pic.id}.webp`);
    expect(existsSync(cached)).toBe(true);
    const meta = await sharp(cached).metadata();
    expect([meta.width, meta.height]).toEqual([256, 128]);
    expect((await member.get(`/api/media/${pic.id}/thumbnail?size=300`)).status).toBe(400);
  });

  it('lets only the owner or an admin change privacy or delete, and audits both', async () => {
    const pic = (await member.post('/api/media', uploadForm(await png(12, 12, '#789'), 'image/png', 'family'))).json;
    const other = await h.t.user(admin, 'member');
    expect((await other.patch(`/api/media/${pic.id}`, { privacy: 'private' })).status).toBe(403);
    expect((await other.delete(`/api/media/${pic.id}`)).status).toBe(403);
    const changed = await member.patch(`/api/media/${pic.id}`, { privacy: 'private' });
    expect(changed.status).toBe(200);
    expect(changed.json.privacy).toBe('private');
    expect((await member.patch(`/api/media/${pic.id}`, { privacy: 'everyone' })).status).toBe(400);
    expect((await admin.delete(`/api/media/${pic.id}`)).status).toBe(204);
    expect((await member.get(`/api/media/${pic.id}`)).status).toBe(404);
    expect(existsSync(join(h.mediaDir, 'media', pic.id.slice(0, 2), pic.id))).toBe(false);
    const audit = (await admin.get('/api/admin/audit?action=media.')).json.entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['media.privacy_changed', 'media.deleted']));
  });

  it("puts a user's jobs and media in their data export, and deleting the account deletes them", async () => {
    const kid = await h.t.user(admin, 'member', 'leaving');
    const pic = (await kid.post('/api/media', uploadForm(await png(14, 14, '#abc')))).json;
    const job = (await kid.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id } })).json;
    const exported = (await kid.get('/api/me/export')).json;
    expect(exported.media.map((m: { id: string }) => m.id)).toEqual([pic.id]);
    expect(exported.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
    expect((await kid.delete('/api/me', { password: 'family password 123' })).status).toBe(204);
    expect(h.app.db.prepare('SELECT COUNT(*) AS n FROM media WHERE id = ?').get(pic.id)).toEqual({ n: 0 });
    expect(h.app.db.prepare('SELECT COUNT(*) AS n FROM jobs WHERE id = ?').get(job.id)).toEqual({ n: 0 });
  });
});
