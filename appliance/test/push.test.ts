import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { waitFor } from '@hearth/testkit';
import type { PushMessage } from '@hearth/protocol';
import { pushPlugin } from '../src/push/plugin.js';
import type { HttpClient } from './support/http-client.js';
import { startPushService, TestSubscriber, vapidClaim, type PushServiceStandIn } from './support/push-service.js';
import { announceAgent, deviceClient, png, startInlineWorker, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';

let h: JobsAppliance;
let push: PushServiceStandIn;
let admin: HttpClient;
let member: HttpClient;
let child: HttpClient;
let presence: Awaited<ReturnType<typeof announceAgent>>;
let worker: Awaited<ReturnType<typeof startInlineWorker>>;
let memberPhoto: string;
let childPhoto: string;
const SEND_TIMEOUT_MS = 1500;

beforeAll(async () => {
  push = await startPushService();
  h = await startJobsAppliance({
    comics: true,
    extra: [
      async (app) => {
        await app.register(pushPlugin, {
          log: pino({ level: process.env.PUSH_LOG ?? 'silent' }),
          sendTimeoutMs: SEND_TIMEOUT_MS,
          testPushService: { ca: push.ca },
        });
      },
    ],
  });
  admin = await h.t.admin();
  member = await h.t.user(admin, 'member', 'mia');
  child = await h.t.user(admin, 'child', 'kid');
  presence = await announceAgent(h.t.mosquitto.url, { agentId: 'pc', capabilities: ['builtin'] });
  await waitFor(async () => (await admin.get('/api/agents')).json.agents.length === 1, { timeoutMs: 10_000 });
  worker = await startInlineWorker(h.t.redis.url, 'builtin', async (job) => {
    if (job.data.type === 'gif.create') throw new Error('the frames do not match');
    // The moderation Hearth runs on every upload finds the test pictures fine (children see only checked ones).
    return job.data.type === 'image.moderate' ? { artifacts: [], data: { verdict: 'safe' } } : { artifacts: [] };
  });
  memberPhoto = (await member.post('/api/media', uploadForm(await png()))).json.id;
  childPhoto = (await child.post('/api/media', uploadForm(await png(16, 16, '#a52')))).json.id;
  await waitFor(async () => (await child.get(`/api/media/${childPhoto}`)).status === 200, { timeoutMs: 30_000 });
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await presence?.close();
  await h?.close();
  await push?.close();
});

async function subscribe(client: HttpClient, token: string, o: { lang?: 'en' | 'pl'; kinds?: string[] } = {}) {
  const sub = new TestSubscriber();
  const res = await client.post('/api/push/subscriptions', {
    endpoint: push.endpoint(token),
    keys: sub.keys(),
    lang: o.lang ?? 'en',
    ...(o.kinds ? { kinds: o.kinds } : {}),
  });
  expect(res.status, res.text).toBe(201);
  return { sub, id: res.json.id as number, token };
}

const deliveriesTo = (token: string) => push.deliveries.filter((d) => d.token === token);

async function runJob(client: HttpClient, body: Record<string, unknown>, status: 'succeeded' | 'failed' = 'succeeded'): Promise<string> {
  const res = await client.post('/api/jobs', body);
  expect(res.status, res.text).toBe(201);
  const id = res.json.id as string;
  await waitFor(async () => (await client.get(`/api/jobs/${id}`)).json.status === status, { timeoutMs: 30_000 });
  return id;
}

async function nextMessage(s: { sub: TestSubscriber; token: string }, count: number): Promise<PushMessage> {
  await waitFor(() => deliveriesTo(s.token).length >= count, { timeoutMs: 15_000 });
  return JSON.parse(s.sub.decrypt(deliveriesTo(s.token)[count - 1]!.body)) as PushMessage;
}

describe('VAPID keys', () => {
  it('are made on the first start, kept with the secrets (0600), and only the public one is served', async () => {
    const { publicKey } = (await member.get('/api/push')).json;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    const file = join(h.t.dataDir, 'settings.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, 'utf8')).secrets.vapid;
    expect(stored.publicKey).toBe(publicKey);
    // Never to a browser: not in the push status, not in what admins see of the settings.
    expect((await member.get('/api/push')).text).not.toContain(stored.privateKey);
    expect(JSON.stringify(h.app.settings.redacted())).not.toContain(stored.privateKey);
  });
});

describe('a finished job reaches its owner by Web Push', () => {
  it('is POSTed with a TTL, encrypted for the subscription (aes128gcm), signed with VAPID, and names the job', async () => {
    const s = await subscribe(member, 'mia-phone');
    const id = await runJob(member, { type: 'image.upscale', title: 'Grandma at the lake', input: { mediaId: memberPhoto } });
    const message = await nextMessage(s, 1);
    expect(message).toEqual({
      kind: 'jobSucceeded',
      title: 'Done: Grandma at the lake',
      body: 'Tap to open it in Hearth.',
      url: `/jobs/${id}`,
      tag: `job:${id}`,
    });

    const delivery = deliveriesTo('mia-phone')[0]!;
    expect(delivery.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(delivery.headers.ttl)).toBeGreaterThan(0);
    expect(vapidClaim(delivery.headers.authorization, push.origin).publicKey).toBe((await member.get('/api/push')).json.publicKey);
    await waitFor(async () => (await member.get('/api/push')).json.subscriptions[0].lastSentAt !== null, { timeoutMs: 5000 });

    // A job with no title of its own is called by its type's name, in the device's language.
    const pl = await subscribe(member, 'mia-tablet', { lang: 'pl' });
    await runJob(member, { type: 'image.upscale', input: { mediaId: memberPhoto } });
    expect((await nextMessage(pl, 1)).title).toBe('Gotowe: Powiększ zdjęcie');
    await member.delete(`/api/push/subscriptions/${pl.id}`);
    await member.delete(`/api/push/subscriptions/${s.id}`);
  });

  it('tells about a failed job once it has failed for good, and only devices that asked', async () => {
    const all = await subscribe(member, 'mia-laptop');
    const onlyComics = await subscribe(member, 'mia-watch', { kinds: ['comicReady'] });
    const id = await runJob(member, { type: 'gif.create', title: 'Holiday GIF', input: { mediaIds: [memberPhoto, memberPhoto] } }, 'failed');
    expect(await nextMessage(all, 1)).toMatchObject({ kind: 'jobFailed', title: 'Failed: Holiday GIF', url: `/jobs/${id}` });

    // The watch only wanted comics: a finished pipeline that made one reaches it (and the laptop too).
    const mia = (await member.get('/api/me')).json.user;
    h.app.bus.emit('pipeline.finished', {
      pipeline: { id: 77, kind: 'comic.make', title: 'Make “Space cats”', status: 'succeeded', ownerId: mia.id },
      page: { name: 'Space cats', notice: 'comicReady', path: '/comics/5' },
    });
    expect(await nextMessage(onlyComics, 1)).toEqual({
      kind: 'comicReady',
      title: 'Your comic is ready',
      body: '“Space cats” is ready to read.',
      url: '/comics/5',
      tag: 'pipeline:77',
    });
    expect((await nextMessage(all, 2)).kind).toBe('comicReady');
    // …and the failed job never went to the watch: its first message was the comic.
    expect(deliveriesTo('mia-watch')).toHaveLength(1);
    await member.delete(`/api/push/subscriptions/${all.id}`);
    await member.delete(`/api/push/subscriptions/${onlyComics.id}`);
  });

  it('a finished story reaches a Polish device in Polish, named as the family named it', async () => {
    const s = await subscribe(member, 'mia-pl-stories', { lang: 'pl', kinds: ['storyReady'] });
    const mia = (await member.get('/api/me')).json.user;
    h.app.bus.emit('pipeline.finished', {
      pipeline: { id: 78, kind: 'story.tell', title: 'Story: a dragon', status: 'succeeded', ownerId: mia.id },
      page: { name: 'Smok i zamek', notice: 'storyReady', path: '/stories/3' },
    });
    expect(await nextMessage(s, 1)).toEqual({
      kind: 'storyReady',
      title: 'Twoja opowieść jest gotowa',
      body: '„Smok i zamek” czeka na widzów.',
      url: '/stories/3',
      tag: 'pipeline:78',
    });
    await member.delete(`/api/push/subscriptions/${s.id}`);
  });

  it('drops a subscription quietly when the push service answers 410 Gone', async () => {
    const s = await subscribe(member, 'old-phone');
    push.behave('old-phone', 'gone');
    await runJob(member, { type: 'image.upscale', title: 'Gone', input: { mediaId: memberPhoto } });
    await waitFor(async () => (await member.get('/api/push')).json.subscriptions.every((x: { id: number }) => x.id !== s.id), { timeoutMs: 15_000 });
    expect(deliveriesTo('old-phone')).toHaveLength(0);
  });

  it('a hung push service does not hold the job up, and is given up on after the timeout', async () => {
    const s = await subscribe(member, 'hung');
    push.behave('hung', 'hang');
    const res = await member.post('/api/jobs', { type: 'image.upscale', title: 'Slow service', input: { mediaId: memberPhoto } });
    const id = res.json.id as string;
    await waitFor(async () => (await member.get(`/api/jobs/${id}`)).json.status === 'succeeded', { timeoutMs: 30_000 });
    // The job is done, while the push service still holds the message's request open.
    await waitFor(() => push.hanging === 1, { timeoutMs: 10_000 });
    expect((await member.get(`/api/jobs/${id}`)).json.status).toBe('succeeded');
    // After the timeout the request is abandoned; the subscription stays (the service may come back).
    await waitFor(() => push.hanging === 0, { timeoutMs: SEND_TIMEOUT_MS * 10 });
    expect((await member.get('/api/push')).json.subscriptions.map((x: { id: number }) => x.id)).toContain(s.id);
    await member.delete(`/api/push/subscriptions/${s.id}`);
  });
});

describe('pipelines tell as one', () => {
  it("a comic pipeline that ends sends one message about it (with the comic's page), none per step", async () => {
    const s = await subscribe(member, 'mia-comics');
    const comic = await member.post('/api/comics', { title: 'Space cats' });
    expect(comic.status, comic.text).toBe(201);
    // No computer offers a language model, so the dialogue step is refused and the pipeline fails
    // while its picture steps (jobs of their own) go on and finish.
    const made = await member.post(`/api/comics/${comic.json.id}/make`, { pictures: 'photos', photoIds: [memberPhoto] });
    expect(made.status, made.text).toBe(202);
    const pipelineNow = async () => (await member.get(`/api/pipelines/${made.json.id}`)).json;
    await waitFor(async () => (await pipelineNow()).status === 'failed', { timeoutMs: 60_000 });
    expect(await nextMessage(s, 1)).toEqual({
      kind: 'jobFailed',
      title: 'Failed: Space cats',
      body: 'Tap to see what went wrong.',
      url: `/comics/${comic.json.id}`,
      tag: `pipeline:${made.json.id}`,
    });

    const stepJobs = (await pipelineNow()).steps.filter((x: { jobId: string | null }) => x.jobId).map((x: { jobId: string }) => x.jobId);
    expect(stepJobs.length).toBeGreaterThan(0);
    await waitFor(
      async () => {
        for (const id of stepJobs) if (!['succeeded', 'failed'].includes((await member.get(`/api/jobs/${id}`)).json.status)) return false;
        return true;
      },
      { timeoutMs: 60_000 },
    );
    // A job of the member's own after the steps finished is the next message: the steps sent none.
    await runJob(member, { type: 'image.upscale', title: 'After the comic', input: { mediaId: memberPhoto } });
    expect((await nextMessage(s, 2)).title).toBe('Done: After the comic');
    expect(deliveriesTo('mia-comics')).toHaveLength(2);
    await member.delete(`/api/push/subscriptions/${s.id}`);
  });
});

describe('who is told', () => {
  it("only the owner: a child (or an admin) never hears of another member's private job", async () => {
    const kid = await subscribe(child, 'kid-tablet');
    const boss = await subscribe(admin, 'admin-phone');
    const mia = await subscribe(member, 'mia-private');
    await runJob(member, { type: 'image.upscale', title: 'Secret birthday present', input: { mediaId: memberPhoto } });
    expect((await nextMessage(mia, 1)).title).toBe('Done: Secret birthday present');
    // The child's own job comes next; had the member's been sent to the child, it would be first.
    await runJob(child, { type: 'image.upscale', title: 'My dragon', input: { mediaId: childPhoto } });
    expect((await nextMessage(kid, 1)).title).toBe('Done: My dragon');
    expect(
      deliveriesTo('kid-tablet')
        .map((d) => kid.sub.decrypt(d.body))
        .join(),
    ).not.toContain('Secret');
    expect(deliveriesTo('admin-phone')).toHaveLength(0);
    for (const [c, s] of [
      [child, kid],
      [admin, boss],
      [member, mia],
    ] as const)
      await c.delete(`/api/push/subscriptions/${s.id}`);
  });
});

describe('keys lost (settings restored without their secrets)', () => {
  it('new keys are made and the subscriptions made with the old ones are dropped', async () => {
    const s = await subscribe(member, 'before-restore');
    const before = (await member.get('/api/push')).json.publicKey;
    await h.app.settings.update((x) => {
      delete x.secrets.vapid;
    });
    await h.t.restart();
    const after = (await member.get('/api/push')).json;
    expect(after.publicKey).not.toBe(before);
    expect(after.subscriptions.map((x: { id: number }) => x.id)).not.toContain(s.id);
  });
});

describe('subscriptions: access and bad input', () => {
  const keys = () => new TestSubscriber().keys();

  it('refuses callers who are not signed-in family members, and changes without the CSRF token', async () => {
    const anonymous = h.t.client();
    expect((await anonymous.get('/api/push')).status).toBe(401);
    expect((await anonymous.post('/api/push/subscriptions', { endpoint: push.endpoint('x'), keys: keys(), lang: 'en' })).status).toBe(401);
    const kiosk = await deviceClient(h.t, admin, 'kiosk');
    expect((await kiosk.post('/api/push/subscriptions', { endpoint: push.endpoint('x'), keys: keys(), lang: 'en' })).status).toBe(403);
    const noCsrf = await member.post('/api/push/subscriptions', { endpoint: push.endpoint('x'), keys: keys(), lang: 'en' }, { 'x-csrf-token': 'forged' });
    expect(noCsrf.status).toBe(403);
    expect((await member.get('/api/push')).json.subscriptions).toHaveLength(0);
  });

  it('names the field that is wrong: endpoint, oversize or malformed keys, unknown kinds', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ endpoint: 'http://push.example.com/x', keys: keys(), lang: 'en' }, 'endpoint'],
      [{ endpoint: 'https://user:pw@push.example.com/x', keys: keys(), lang: 'en' }, 'endpoint'],
      [{ endpoint: `https://push.example.com/${'a'.repeat(1100)}`, keys: keys(), lang: 'en' }, 'endpoint'],
      [{ endpoint: push.endpoint('x'), keys: { ...keys(), p256dh: 'A'.repeat(4000) }, lang: 'en' }, 'keys.p256dh'],
      [{ endpoint: push.endpoint('x'), keys: { ...keys(), auth: 'A'.repeat(300) }, lang: 'en' }, 'keys.auth'],
      [{ endpoint: push.endpoint('x'), keys: { ...keys(), p256dh: Buffer.alloc(65, 4).toString('base64url') }, lang: 'en' }, 'keys.p256dh'],
      [{ endpoint: push.endpoint('x'), keys: keys(), lang: 'en', kinds: ['everything'] }, 'kinds.0'],
      [{ endpoint: push.endpoint('x'), keys: keys(), lang: 'de' }, 'lang'],
    ];
    for (const [body, field] of cases) {
      const res = await member.post('/api/push/subscriptions', body);
      expect(res.status, `${field}: ${res.text}`).toBe(400);
      expect(res.json).toMatchObject({ field });
      expect(typeof res.json.code).toBe('string');
    }
    const huge = await member.post('/api/push/subscriptions', { endpoint: push.endpoint('x'), keys: keys(), lang: 'en', pad: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect((await member.get('/api/push')).json.subscriptions).toHaveLength(0);
  });

  it("lets a member remove only their own devices, each change audited without the device's secrets", async () => {
    const s = await subscribe(member, 'mia-audit');
    const other = await child.delete(`/api/push/subscriptions/${s.id}`);
    expect(other.status).toBe(404);
    const again = await member.post('/api/push/subscriptions', { endpoint: push.endpoint('mia-audit'), keys: s.sub.keys(), lang: 'pl', kinds: ['storyReady'] });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ id: s.id, lang: 'pl', kinds: ['storyReady'] });
    // "Export my data" lists the device, without its endpoint or keys.
    const exported = (await member.get('/api/me/export')).json.pushSubscriptions;
    expect(exported).toEqual([expect.objectContaining({ id: s.id, service: new URL(push.origin).host, lang: 'pl', kinds: ['storyReady'] })]);
    expect(JSON.stringify(exported)).not.toContain('mia-audit');
    expect((await member.delete(`/api/push/subscriptions/${s.id}`)).status).toBe(204);
    const audit = (await admin.get('/api/admin/audit?action=push.&limit=50')).json.entries as Array<{ action: string; target: string; detail: unknown }>;
    const mine = audit.filter((e) => e.target === `push:${s.id}`).map((e) => e.action);
    expect(mine).toEqual(['push.unsubscribed', 'push.updated', 'push.subscribed']);
    expect(JSON.stringify(audit)).not.toContain(s.sub.keys().auth);
    expect(JSON.stringify(audit)).not.toContain('/push/mia-audit');
  });

  it('keeps at most ten devices per member', async () => {
    const made = [];
    for (let i = 0; i < 10; i++) made.push(await subscribe(child, `kid-${i}`));
    const eleventh = await child.post('/api/push/subscriptions', { endpoint: push.endpoint('kid-10'), keys: keys(), lang: 'en' });
    expect(eleventh.status).toBe(409);
    for (const s of made) await child.delete(`/api/push/subscriptions/${s.id}`);
  });
});
