import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, waitFor } from '@hearth/testkit';
import type { HttpClient } from './support/http-client.js';
import { magicPacket } from '../src/agents/wake-on-lan.js';
import { announceAgent, startJobsAppliance, type JobsAppliance } from './jobs-fixtures.js';

/** A UDP socket on 127.0.0.1 that keeps what reaches it, standing in for the LAN's broadcast address. */
async function listener(): Promise<{ port: number; packets: Buffer[]; socket: Socket }> {
  const port = await freePort();
  const socket = createSocket('udp4');
  const packets: Buffer[] = [];
  socket.on('message', (msg) => packets.push(msg));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
  return { port, packets, socket };
}

let h: JobsAppliance;
let admin: HttpClient;
let member: HttpClient;

beforeAll(async () => {
  h = await startJobsAppliance();
  admin = await h.t.admin();
  member = await h.t.user(admin, 'member');
});
afterAll(async () => {
  await h?.close();
});

async function auditEntries(target: string) {
  const res = await admin.get('/api/admin/audit?action=settings.changed&limit=200');
  expect(res.status).toBe(200);
  return (res.json.entries as Array<{ target: string; actorName: string; detail: { before: unknown; after: unknown } }>).filter((e) => e.target === target);
}

describe('admin settings sections', () => {
  it('are for admins only', async () => {
    for (const path of ['/api/admin/settings/quotas', '/api/admin/settings/wake-on-lan']) {
      expect((await member.get(path)).status, path).toBe(403);
      expect((await h.t.client().get(path)).status, path).toBe(401);
    }
    expect((await member.put('/api/admin/settings/quotas', { admin: null, member: 1, child: 1 })).status).toBe(403);
    expect((await member.put('/api/admin/settings/wake-on-lan', { broadcastAddress: '10.0.0.255', port: 9, extraTargets: [] })).status).toBe(403);
    expect((await admin.get('/api/admin/settings/quotas')).json).toEqual({ admin: null, member: 50, child: 10 });
  });

  it('refuse bad quotas with a 400 naming the field, and change nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ admin: null, member: -1, child: 1 }, /^body\.member /],
      [{ admin: null, member: 1.5, child: 1 }, /^body\.member /],
      [{ admin: null, member: 1, child: 100_001 }, /^body\.child /],
      [{ admin: null, member: 1, child: 'lots' }, /^body\.child /],
      [{ admin: null, member: '', child: 1 }, /^body\.member must be a whole number or null/],
      [{ admin: '5', member: 1, child: 1 }, /^body\.admin must be a whole number or null/],
      [{ admin: null, member: 1 }, /^body\.child is required/],
      [{ admin: null, member: 1, child: 1, guest: 3 }, /unknown field "guest"/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.put('/api/admin/settings/quotas', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.message, JSON.stringify(body)).toMatch(message);
    }
    expect((await admin.get('/api/admin/settings/quotas')).json).toEqual({ admin: null, member: 50, child: 10 });
    expect(await auditEntries('settings:jobs.quotas')).toEqual([]);
  });

  it('a changed quota applies to the next job, is saved to settings.json and audited', async () => {
    const input = { prompt: 'a lighthouse at dusk' };
    // A computer that offered ComfyUI once (no MAC to wake it): its jobs are accepted and wait.
    const pc = await announceAgent(h.t.mosquitto.url, { agentId: 'den-pc', name: 'Den PC', capabilities: ['comfyui'], macs: [] }, 'asleep');
    await waitFor(
      async () =>
        ((await member.get('/api/job-types')).json.types as Array<{ type: string; readiness: { state: string } }>).find((x) => x.type === 'image.generate')
          ?.readiness.state === 'waiting',
      { timeoutMs: 5000, what: 'Den PC known' },
    );
    await pc.close();
    expect((await member.post('/api/jobs', { type: 'image.generate', input })).status).toBe(201);
    expect((await member.post('/api/jobs', { type: 'image.generate', input })).status).toBe(201);

    const put = await admin.put('/api/admin/settings/quotas', { admin: null, member: 2, child: 0 });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toEqual({ admin: null, member: 2, child: 0 });
    const over = await member.post('/api/jobs', { type: 'image.generate', input });
    expect(over.status).toBe(429);
    expect(over.json.message).toMatch(/used all 2 jobs for today/);
    expect((await member.get('/api/quota')).json).toMatchObject({ limit: 2, used: 2, remaining: 0 });

    // Unlimited again: null lifts the limit at once.
    expect((await admin.put('/api/admin/settings/quotas', { admin: null, member: null, child: 0 })).status).toBe(200);
    expect((await member.post('/api/jobs', { type: 'image.generate', input })).status).toBe(201);
    expect((await member.get('/api/quota')).json.limit).toBeNull();

    const file = JSON.parse(await readFile(join(h.t.dataDir, 'settings.json'), 'utf8'));
    expect(file.jobs).toEqual({ quotas: { admin: null, member: null, child: 0 } });
    const entries = await auditEntries('settings:jobs.quotas');
    expect(entries.map((e) => e.detail)).toEqual([
      { before: { admin: null, member: 2, child: 0 }, after: { admin: null, member: null, child: 0 } },
      { before: { admin: null, member: 50, child: 10 }, after: { admin: null, member: 2, child: 0 } },
    ]);
    expect(entries[0]!.actorName).toBe('Admin');
  });

  it('refuse bad Wake-on-LAN values with a 400 naming the field', async () => {
    const ok = { broadcastAddress: '192.168.1.255', port: 9, extraTargets: [] as string[] };
    const cases: Array<[unknown, RegExp]> = [
      [{ ...ok, broadcastAddress: '192.168.1' }, /^body\.broadcastAddress /],
      [{ ...ok, broadcastAddress: 'nas.local' }, /^body\.broadcastAddress /],
      [{ ...ok, broadcastAddress: '300.1.1.1' }, /^body\.broadcastAddress /],
      [{ ...ok, port: 0 }, /^body\.port /],
      [{ ...ok, port: 65536 }, /^body\.port /],
      [{ ...ok, extraTargets: ['AA:BB:CC:DD:EE:FF'] }, /^body\.extraTargets\.0 /],
      [{ ...ok, extraTargets: ['aa-bb-cc-dd-ee-ff'] }, /^body\.extraTargets\.0 /],
      [{ ...ok, extraTargets: ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'] }, /^body\.extraTargets /],
      [{ ...ok, extraTargets: Array.from({ length: 17 }, (_, i) => `aa:bb:cc:dd:ee:${i.toString(16).padStart(2, '0')}`) }, /^body\.extraTargets /],
      [{ ...ok, secret: 1 }, /unknown field "secret"/],
    ];
    for (const [body, message] of cases) {
      const res = await admin.put('/api/admin/settings/wake-on-lan', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.message, JSON.stringify(body)).toMatch(message);
    }
    const current = (await admin.get('/api/admin/settings/wake-on-lan')).json;
    expect(current).toMatchObject({ broadcastAddress: '255.255.255.255', port: 9, extraTargets: [] });
  });

  it('a changed port makes the next wake packet go there; learned agent MACs are shown; changes are audited', async () => {
    const first = await listener();
    const second = await listener();
    const presence = await announceAgent(
      h.t.mosquitto.url,
      { agentId: 'study-pc', name: 'Study PC', capabilities: ['comfyui'], macs: ['aa:bb:cc:dd:ee:02'] },
      'asleep',
    );
    try {
      await waitFor(async () => (await admin.get('/api/admin/settings/wake-on-lan')).json.learnedTargets.length > 0, {
        timeoutMs: 5000,
        what: 'the learned MAC',
      });
      expect((await admin.get('/api/admin/settings/wake-on-lan')).json.learnedTargets).toEqual([
        { mac: 'aa:bb:cc:dd:ee:02', agentId: 'study-pc', name: 'Study PC' },
      ]);

      // Port left out: the default, 9; then the first test port.
      const defaulted = await admin.put('/api/admin/settings/wake-on-lan', { broadcastAddress: '127.0.0.1', extraTargets: ['00:11:22:33:44:55'] });
      expect(defaulted.status, defaulted.text).toBe(200);
      expect(defaulted.json.port).toBe(9);
      const put = await admin.put('/api/admin/settings/wake-on-lan', { broadcastAddress: '127.0.0.1', port: first.port, extraTargets: ['00:11:22:33:44:55'] });
      expect(put.status, put.text).toBe(200);
      expect(put.json).toEqual({
        broadcastAddress: '127.0.0.1',
        port: first.port,
        extraTargets: ['00:11:22:33:44:55'],
        learnedTargets: [{ mac: 'aa:bb:cc:dd:ee:02', agentId: 'study-pc', name: 'Study PC' }],
      });

      const ask = { type: 'image.generate', input: { prompt: 'a bedtime story' } };
      const job = await admin.post('/api/jobs', ask);
      expect(job.status, job.text).toBe(201);
      expect(job.json.status).toBe('waiting_for_gpu');
      await waitFor(() => first.packets.length >= 1, { timeoutMs: 5000, what: 'packets on the first port' });
      // Only the sleeping computer that offered ComfyUI: extra targets are for work no known computer offers.
      expect(first.packets.map((p) => p.toString('hex'))).toEqual([magicPacket('aa:bb:cc:dd:ee:02').toString('hex')]);

      expect((await admin.put('/api/admin/settings/wake-on-lan', { broadcastAddress: '127.0.0.1', port: second.port, extraTargets: [] })).status).toBe(200);
      expect((await admin.post('/api/jobs', ask)).status).toBe(201);
      await waitFor(() => second.packets.length >= 1, { timeoutMs: 5000, what: 'a packet on the new port' });
      await new Promise((r) => setTimeout(r, 200));
      // The learned MAC on the new port, and nothing more on the old one.
      expect(second.packets.map((p) => p.toString('hex'))).toEqual([magicPacket('aa:bb:cc:dd:ee:02').toString('hex')]);
      expect(first.packets.length).toBe(1);

      const entries = await auditEntries('settings:wakeOnLan');
      expect(entries.map((e) => e.detail)).toEqual([
        {
          before: { broadcastAddress: '127.0.0.1', port: first.port, extraTargets: ['00:11:22:33:44:55'] },
          after: { broadcastAddress: '127.0.0.1', port: second.port, extraTargets: [] },
        },
        {
          before: { broadcastAddress: '127.0.0.1', port: 9, extraTargets: ['00:11:22:33:44:55'] },
          after: { broadcastAddress: '127.0.0.1', port: first.port, extraTargets: ['00:11:22:33:44:55'] },
        },
        {
          before: { broadcastAddress: '255.255.255.255', port: 9, extraTargets: [] },
          after: { broadcastAddress: '127.0.0.1', port: 9, extraTargets: ['00:11:22:33:44:55'] },
        },
      ]);
    } finally {
      await presence.close();
      first.socket.close();
      second.socket.close();
    }
  });
});
