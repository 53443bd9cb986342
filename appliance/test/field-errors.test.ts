import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { ErrorView } from '@hearth/protocol';
import type { HttpClient } from './support/http-client.js';
import { png, startJobsAppliance, uploadForm, type JobsAppliance } from './jobs-fixtures.js';
import { kioskFeedPlugin } from '../src/kiosk-feed/index.js';

/** Every error answer has the protocol's shape; refused fields come with their path and a code, never only English. */
let h: JobsAppliance;
let admin: HttpClient;

beforeAll(async () => {
  h = await startJobsAppliance({
    extra: [
      async (app) => {
        await app.register(kioskFeedPlugin, { version: 'test-1', publicUrl: undefined });
      },
    ],
  });
  admin = await h.t.admin();
});
afterAll(() => h?.close());

async function refused(res: Promise<{ status: number; json: unknown }>, status = 400) {
  const r = await res;
  expect(r.status).toBe(status);
  expect(Value.Check(ErrorView, r.json), JSON.stringify(r.json)).toBe(true);
  return r.json as ErrorView;
}

describe('structured field errors', () => {
  it('route schemas (Ajv): unknown, missing, out of range, wrong type, one of', async () => {
    expect(await refused(admin.post('/api/admin/invites', { role: 'member', sneaky: 1 }))).toMatchObject({
      code: 'unknown-field',
      field: 'sneaky',
      message: 'body has an unknown field "sneaky"',
    });
    expect(await refused(admin.post('/api/admin/invites', {}))).toMatchObject({ code: 'required', field: 'role' });
    expect(await refused(admin.post('/api/admin/invites', { role: 'member', expiresInHours: 0 }))).toMatchObject({
      code: 'too-small',
      field: 'expiresInHours',
      params: { limit: 1 },
    });
    expect(await refused(admin.put('/api/admin/settings/wake-on-lan', { broadcastAddress: '10.0.0.255', port: 70_000, extraTargets: [] }))).toMatchObject({
      code: 'too-large',
      field: 'port',
      params: { limit: 65535 },
    });
    const role = await refused(admin.post('/api/admin/invites', { role: 'wizard' }));
    expect(role).toMatchObject({ code: 'one-of', field: 'role' });
    expect(role.params?.allowed).toContain('"member"');
    expect(await refused(admin.get('/api/admin/audit?limit=abc'))).toMatchObject({ code: 'type', field: 'querystring.limit' });
  });

  it('job inputs (TypeBox) and checks made by hand name the field the same way', async () => {
    const pic = (await admin.post('/api/media', uploadForm(await png()))).json;
    const scale = await refused(admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id, scale: 3 } }));
    expect(scale).toMatchObject({ code: 'one-of', field: 'input.scale', message: 'input.scale must be 2 or 4', params: { allowed: '2, 4' } });
    expect(await refused(admin.post('/api/jobs', { type: 'image.upscale', input: { mediaId: pic.id, colour: 'red' } }))).toMatchObject({
      code: 'unknown-field',
      field: 'input.colour',
    });
    expect(await refused(admin.post('/api/jobs', { type: 'no.such', input: {} }))).toMatchObject({ code: 'one-of', field: 'type' });
    expect(await refused(admin.put('/api/admin/settings/quotas', { admin: null, member: 'ten', child: 1 }))).toMatchObject({ code: 'type', field: 'member' });
    const overlap = {
      columns: 2,
      rows: 1,
      tiles: [
        { type: 'clock', x: 0, y: 0, w: 2, h: 1, options: {} },
        { type: 'agents', x: 1, y: 0, w: 1, h: 1, options: {} },
      ],
      night: { from: '22:00', to: '06:00', scheduled: false, brightness: 0.5 },
      slideshow: { intervalS: 30 },
      burnIn: { shiftPx: 0, everyS: 60 },
      staleAfterS: 90,
    };
    expect(await refused(admin.put('/api/admin/kiosk/layout', overlap))).toMatchObject({ code: 'invalid', field: 'tiles.1' });
  });

  it('errors that are not about a field carry a code for their status', async () => {
    expect(await refused(h.t.client().get('/api/admin/users'), 401)).toMatchObject({ code: 'unauthorized' });
    expect(await refused(admin.get('/api/jobs/nope'), 404)).toMatchObject({ code: 'not-found' });
    expect(await refused(admin.get('/api/no/such/page'), 404)).toMatchObject({ code: 'not-found' });
    const last = await refused(admin.patch('/api/admin/users/1', { role: 'member' }), 409);
    expect(last).toMatchObject({ code: 'conflict' });
    expect(last.field).toBeUndefined();
  });
});
