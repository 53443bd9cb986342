import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpClient } from './support/http-client.js';
import { deviceClient, startJobsAppliance, type JobsAppliance } from './jobs-fixtures.js';
import { letJobsWaitForAComputer } from './support/harness.js';

let h: JobsAppliance;
let admin: HttpClient;

beforeAll(async () => {
  h = await startJobsAppliance();
  // No computer joins here: preset jobs are accepted and wait (else they are refused).
  await letJobsWaitForAComputer(h.t);
  admin = await h.t.admin();
});
afterAll(() => h?.close());

describe('presets', () => {
  it('are defined by admins, validated like jobs, run by admins and Home Assistant as jobs they own, and audited', async () => {
    const bad = await admin.post('/api/admin/presets', { name: 'Huge', type: 'image.generate', input: { prompt: 'x', width: 100 } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^input\.width /);
    const created = await admin.post('/api/admin/presets', { name: 'Morning picture', type: 'image.generate', input: { prompt: 'sunrise over the lake' } });
    expect(created.status).toBe(201);
    expect(created.json.input).toMatchObject({ prompt: 'sunrise over the lake', width: 1024, steps: 25 });
    expect((await admin.post('/api/admin/presets', { name: 'morning picture', type: 'image.generate', input: { prompt: 'y' } })).status).toBe(409);
    const member = await h.t.user(admin, 'member');
    expect((await member.get('/api/admin/presets')).status).toBe(403);
    expect((await member.post(`/api/presets/${created.json.id}/run`)).status).toBe(403);

    const ha = await deviceClient(h.t, admin, 'home-assistant');
    const run = await ha.post(`/api/presets/${created.json.id}/run`);
    expect(run.status).toBe(201);
    expect(run.json).toMatchObject({
      type: 'image.generate',
      title: 'Morning picture',
      presetId: created.json.id,
      ownerId: null,
      ownerName: 'test home-assistant',
    });
    const byAdmin = await h.app.presets.runPreset(created.json.id, { kind: 'user', id: 1, role: 'admin', name: 'Admin' });
    expect(byAdmin.ownerId).toBe(1);
    // Device-owned jobs are for admins' eyes only.
    expect((await member.get(`/api/jobs/${run.json.id}`)).status).toBe(404);
    expect((await admin.get(`/api/jobs/${run.json.id}`)).status).toBe(200);

    expect((await admin.delete(`/api/admin/presets/${created.json.id}`)).status).toBe(204);
    expect((await ha.post(`/api/presets/${created.json.id}/run`)).status).toBe(404);
    const audit = (await admin.get('/api/admin/audit?action=presets.')).json.entries.map((e: { action: string }) => e.action);
    expect(audit).toEqual(expect.arrayContaining(['presets.created', 'presets.run', 'presets.deleted']));
  });
});
