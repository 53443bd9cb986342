/**
 * Comics as documents over the real appliance (HTTP, SQLite, sessions, CSRF): creating, saving
 * with ETags, conflicts, bad input that names its field and changes nothing, who may see and
 * change what, and the trash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComicView } from '@hearth/protocol';
import { png, startJobsAppliance, uploadForm, deviceClient, type JobsAppliance } from './jobs-fixtures.js';
import type { HttpClient } from './support/http-client.js';

let lab: JobsAppliance;
let admin: HttpClient;
let mum: HttpClient;
let dad: HttpClient;
let kid: HttpClient;

beforeAll(async () => {
  lab = await startJobsAppliance({ comics: true });
  admin = await lab.t.admin();
  mum = await lab.t.user(admin, 'member', 'mum');
  dad = await lab.t.user(admin, 'member', 'dad');
  kid = await lab.t.user(admin, 'child', 'kid');
}, 60_000);
afterAll(() => lab?.close());

async function create(client: HttpClient, title = 'The Lost Sock'): Promise<{ comic: ComicView; etag: string }> {
  const res = await client.post('/api/comics', { title });
  expect(res.status, res.text).toBe(201);
  return { comic: res.json as ComicView, etag: res.headers.get('etag')! };
}

async function photo(client: HttpClient, color: string): Promise<string> {
  const res = await client.post('/api/media', uploadForm(await png(64, 48, color)));
  expect(res.status, res.text).toBe(201);
  return res.json.id as string;
}

const body = (c: ComicView) => JSON.parse(JSON.stringify(c)) as ComicView;

describe('creating and saving', () => {
  it('a title alone makes an empty one-page comic, and GET gives it back with the same ETag', async () => {
    const { comic, etag } = await create(mum);
    expect(comic).toMatchObject({ title: 'The Lost Sock', privacy: 'private', version: 1, characters: [], deletedAt: null, render: null });
    expect(comic.pages).toHaveLength(1);
    expect(comic.pages[0]!.panels.length).toBeGreaterThan(0);
    const got = await mum.get(`/api/comics/${comic.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.json).toEqual(comic);
  });

  it('PUT takes back what GET gave, with If-Match, and everything comes back as saved', async () => {
    const { comic, etag } = await create(mum);
    const pic = await photo(mum, '#c33');
    const next = body(comic);
    next.characters.push({ id: 'mum', name: 'Mum', description: 'tall, red scarf', refMediaId: null, seed: 42, style: 'ink and watercolour' });
    next.pages[0]!.panels[0]!.mediaId = pic;
    next.pages[0]!.panels[0]!.crop = { x: 0.3, y: 0.6, zoom: 1.5 };
    next.pages[0]!.panels[0]!.characters = ['mum'];
    next.pages[0]!.panels[0]!.bubbles.push({
      id: 'b1',
      kind: 'shout',
      speaker: 'mum',
      text: 'Where is my sock?!',
      x: 0.1,
      y: 0.05,
      w: 0.5,
      h: 0.25,
      tail: { x: 0.3, y: 0.8 },
      byHand: true,
    });
    next.pages.push({ id: 'p2', layout: 'strip', panels: [] });
    const saved = await mum.put(`/api/comics/${comic.id}`, next, { 'if-match': etag });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.version).toBe(2);
    expect(saved.headers.get('etag')).not.toBe(etag);
    const again = (await mum.get(`/api/comics/${comic.id}`)).json as ComicView;
    expect(again.pages[0]!.panels[0]).toEqual(next.pages[0]!.panels[0]);
    expect(again.characters).toEqual(next.characters);
    expect(again.pages.map((p) => p.layout)).toEqual([comic.pages[0]!.layout, 'strip']);
  });

  it('a stale ETag gets 412 with the current comic; a missing one 428; nothing is overwritten', async () => {
    const { comic, etag } = await create(mum);
    const first = body(comic);
    first.title = 'First tab';
    expect((await mum.put(`/api/comics/${comic.id}`, first, { 'if-match': etag })).status).toBe(200);
    const second = body(comic);
    second.title = 'Second tab';
    const stale = await mum.put(`/api/comics/${comic.id}`, second, { 'if-match': etag });
    expect(stale.status).toBe(412);
    expect(stale.json.current).toMatchObject({ title: 'First tab', version: 2 });
    expect(stale.json.message).toMatch(/choose which to keep/);
    expect((await mum.put(`/api/comics/${comic.id}`, second)).status).toBe(428);
    expect((await mum.get(`/api/comics/${comic.id}`)).json.title).toBe('First tab');
  });
});

describe('bad input names the field and saves nothing', () => {
  let comic: ComicView;
  let etag: string;
  beforeAll(async () => ({ comic, etag } = await create(mum, 'Bad input')));

  async function rejected(change: (c: ComicView) => void, field: RegExp, status = 400) {
    const next = body(comic);
    change(next);
    const res = await mum.put(`/api/comics/${comic.id}`, next, { 'if-match': etag });
    expect(res.status, res.text).toBe(status);
    expect(res.json.message).toMatch(field);
    const now = await mum.get(`/api/comics/${comic.id}`);
    expect(now.json).toEqual(comic);
  }
  const bubble = { id: 'b', kind: 'speech' as const, speaker: '' as const, text: 'Hi', x: 0.1, y: 0.1, w: 0.3, h: 0.2, tail: null, byHand: true };

  it('a bubble outside its panel', () =>
    rejected((c) => {
      c.pages[0]!.panels[0]!.bubbles.push({ ...bubble, x: 0.8, w: 0.3 });
    }, /pages\.0\.panels\.0\.bubbles\.0\.w.*right edge/));
  it('text too long', () =>
    rejected((c) => {
      c.pages[0]!.panels[0]!.bubbles.push({ ...bubble, text: 'x'.repeat(201) });
    }, /body\.pages\.0\.panels\.0\.bubbles\.0\.text/));
  it('an unknown layout', () =>
    rejected((c) => {
      (c.pages[0] as { layout: string }).layout = 'seven';
    }, /body\.pages\.0\.layout/));
  it('a panel in a slot the layout lacks', () =>
    rejected((c) => {
      c.pages[0]!.panels[0]!.slot = 5;
    }, /pages\.0\.panels\.0\.slot/));
  it("someone else's private picture", async () => {
    const dads = await photo(dad, '#36c');
    await rejected((c) => {
      c.pages[0]!.panels[1]!.mediaId = dads;
    }, /pages\.0\.panels\.1\.mediaId.*not yours to use/);
  });
  it('a tail on a caption, and a speaker who is not in the comic', async () => {
    await rejected((c) => {
      c.pages[0]!.panels[0]!.bubbles.push({ ...bubble, kind: 'caption', tail: { x: 0.5, y: 0.5 } });
    }, /bubbles\.0\.tail/);
    await rejected((c) => {
      c.pages[0]!.panels[0]!.bubbles.push({ ...bubble, speaker: 'ghost' });
    }, /bubbles\.0\.speaker/);
  });
  it('too many bubbles in a panel', () =>
    rejected((c) => {
      c.pages[0]!.panels[0]!.bubbles = Array.from({ length: 7 }, (_, i) => ({ ...bubble, id: `b${i}` }));
    }, /bubbles/));
});

describe('who may see and change a comic', () => {
  it("a private comic is the author's (and admins'); shared ones are seen by the family but changed only by the author", async () => {
    const { comic, etag } = await create(mum, 'Private');
    expect((await dad.get(`/api/comics/${comic.id}`)).status).toBe(404);
    expect((await kid.get(`/api/comics/${comic.id}`)).status).toBe(404);
    expect((await admin.get(`/api/comics/${comic.id}`)).status).toBe(200);
    const shared = { ...body(comic), privacy: 'family' as const };
    const res = await mum.put(`/api/comics/${comic.id}`, shared, { 'if-match': etag });
    expect(res.status).toBe(200);
    expect((await dad.get(`/api/comics/${comic.id}`)).status).toBe(200);
    expect((await kid.get(`/api/comics/${comic.id}`)).status).toBe(200);
    expect((await dad.get('/api/comics?scope=family')).json.comics.map((c: { id: number }) => c.id)).toContain(comic.id);
    expect((await dad.put(`/api/comics/${comic.id}`, shared, { 'if-match': res.headers.get('etag')! })).status).toBe(403);
    expect((await dad.delete(`/api/comics/${comic.id}`)).status).toBe(403);
    expect((await kid.post(`/api/comics/${comic.id}/render`)).status).toBe(403);
  });

  it('devices get nothing, and a change without the CSRF token is refused', async () => {
    const { comic, etag } = await create(mum, 'Devices');
    const kiosk = await deviceClient(lab.t, admin, 'kiosk');
    expect((await kiosk.get(`/api/comics/${comic.id}`)).status).toBe(403);
    expect((await kiosk.get('/api/comics')).status).toBe(403);
    const csrf = mum.csrf;
    mum.csrf = undefined;
    try {
      expect((await mum.put(`/api/comics/${comic.id}`, body(comic), { 'if-match': etag })).status).toBe(403);
      expect((await mum.post('/api/comics', { title: 'No token' })).status).toBe(403);
    } finally {
      mum.csrf = csrf;
    }
  });

  it('a child makes comics from their own photos', async () => {
    const { comic, etag } = await create(kid, 'My cat');
    const mine = await photo(kid, '#fa0');
    const next = body(comic);
    next.pages[0]!.panels[0]!.mediaId = mine;
    const res = await kid.put(`/api/comics/${comic.id}`, next, { 'if-match': etag });
    expect(res.status, res.text).toBe(200);
    const mums = await photo(mum, '#0af');
    next.pages[0]!.panels[1]!.mediaId = mums;
    expect((await kid.put(`/api/comics/${comic.id}`, next, { 'if-match': res.headers.get('etag')! })).status).toBe(400);
  });

  it('every change is in the audit log', async () => {
    const { comic } = await create(mum, 'Audited');
    const log = await admin.get('/api/admin/audit?action=comics.created&limit=200');
    expect(log.status, log.text).toBe(200);
    expect(log.json.entries.some((e: { actorName: string; detail: { title: string } }) => e.detail?.title === comic.title && e.actorName === 'mum')).toBe(true);
  });
});

describe('the trash', () => {
  it('a deleted comic waits in the trash, can be restored, and is gone after 30 days', async () => {
    const { comic } = await create(mum, 'Trash me');
    expect((await mum.delete(`/api/comics/${comic.id}`)).status).toBe(204);
    expect((await mum.get('/api/comics')).json.comics.map((c: { id: number }) => c.id)).not.toContain(comic.id);
    expect((await mum.get('/api/comics?scope=trash')).json.comics.map((c: { id: number }) => c.id)).toContain(comic.id);
    const put = await mum.put(`/api/comics/${comic.id}`, body(comic), { 'if-match': `"comic-${comic.id}-v2"` });
    expect(put.status).toBe(409);
    const restored = await mum.post(`/api/comics/${comic.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.json.deletedAt).toBeNull();

    expect((await mum.delete(`/api/comics/${comic.id}`)).status).toBe(204);
    expect(lab.app.comics.purgeTrash(Date.now() + 29 * 86400_000)).not.toContain(comic.id);
    expect(lab.app.comics.purgeTrash(Date.now() + 31 * 86400_000)).toContain(comic.id);
    expect((await mum.get(`/api/comics/${comic.id}`)).status).toBe(404);
  });
});
