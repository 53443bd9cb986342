import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, tempDir, waitFor } from '@hearth/testkit';
import { HttpClient } from './support/http-client.js';

/**
 * The README's first command: `npm start` (scripts/start.mjs) runs the appliance with embedded
 * Redis and MQTT and a local gpu-agent, prints the URL, runs a dialogue job on the built-in LLM,
 * stops cleanly on Ctrl-C, and a second start reuses the data.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const data = await tempDir('hearth-one-command-');
afterAll(() => data.remove());

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
  startedMs: number;
}

async function npmStart(port: number): Promise<Started> {
  const t0 = performance.now();
  let out = '';
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, HEARTH_DATA_DIR: data.path, HEARTH_PORT: String(port), HEARTH_HOST: '127.0.0.1', LOG_LEVEL: 'warn', REDIS_URL: '', MQTT_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await waitFor(() => /Hearth home lab: open (http:\/\/\S+)/.exec(out)?.[1], { timeoutMs: 90_000, what: `the URL from npm start\n${out}` });
  return { child, url, output: () => out, startedMs: performance.now() - t0 };
}

/** Processes whose command line mentions the data dir (the embedded redis-server does). */
async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(dir)) found.push(`${pid}: ${cmd.replaceAll('\0', ' ')}`);
  }
  return found;
}

async function ctrlC(s: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
  s.child.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  it('brings up the home lab, stops on Ctrl-C without leftovers, and reuses the data next time', async () => {
    const port = await freePort();
    const first = await npmStart(port);
    console.log(`npm start: URL printed after ${Math.round(first.startedMs)} ms`);
    expect(first.url).toBe(`http://127.0.0.1:${port}`);

    const family = new HttpClient(first.url);
    expect((await family.post('/api/onboarding', { username: 'mum', displayName: 'Mum', password: 'a long family password' })).status).toBe(201);
    expect((await family.get('/api/me')).json.user).toMatchObject({ username: 'mum', role: 'admin' });
    // The local gpu-agent joined with the built-in models.
    const agents = await waitFor(
      async () => {
        const list = (await family.get('/api/agents')).json.agents as Array<{ availability: string; capabilities: string[] }>;
        return list.find((a) => a.availability === 'online' && a.capabilities.includes('builtin'));
      },
      { timeoutMs: 60_000, what: 'the local agent online' },
    );
    expect(agents).toBeTruthy();
    expect((await family.get('/readyz')).status).toBe(200);

    // Dialogue runs on the embedded default: the local agent's built-in LLM (SmolLM2-135M from the
    // cached venv that install-test-deps.sh makes) writes it, and the result names the model.
    await waitFor(
      async () => {
        const list = (await family.get('/api/agents')).json.agents as Array<{ availability: string; capabilities: string[] }>;
        return list.some((a) => a.availability === 'online' && a.capabilities.includes('llm'));
      },
      { timeoutMs: 60_000, what: `the local agent offering llm\n${first.output()}` },
    );
    const submitted = await family.post('/api/jobs', {
      type: 'text.dialogue',
      input: { characters: [{ name: 'Mum', description: 'a busy parent' }], panels: [{ description: 'Mum finds the cookie jar empty', characters: ['Mum'] }] },
    });
    expect(submitted.status).toBe(201);
    const done = await waitFor(
      async () => {
        const job = (await family.get(`/api/jobs/${submitted.json.id as string}`)).json as {
          status: string;
          error: string | null;
          result: { data?: { panels: { index: number; lines: { speaker: string }[] }[]; writtenBy?: string } } | null;
        };
        if (job.status === 'failed') throw new Error(`the dialogue job failed: ${job.error}`);
        return job.status === 'succeeded' ? job : null;
      },
      { timeoutMs: 240_000, intervalMs: 500, what: 'the dialogue job to succeed' },
    );
    expect(done.result!.data!.panels.map((p) => p.index)).toEqual([0]);
    expect(done.result!.data!.panels[0]!.lines.every((l) => l.speaker === 'Mum')).toBe(true);
    expect(done.result!.data!.writtenBy).toBe('SmolLM2-135M-Instruct.Q4_1.gguf');

    expect(await ctrlC(first)).toBe(0);
    expect(first.output()).toMatch(/stopping Hearth/);
    await waitFor(async () => (await processesUsing(data.path)).length === 0, { timeoutMs: 10_000, what: 'no process left using the data dir' });
    expect((await readFile(join(data.path, 'settings.json'))).length).toBeGreaterThan(0);

    const second = await npmStart(port);
    try {
      const again = new HttpClient(second.url);
      const login = await again.post('/api/auth/login', { username: 'mum', password: 'a long family password' });
      expect(login.status).toBe(200);
      expect((await again.get('/api/session')).json.needsOnboarding).toBe(false);
    } finally {
      expect(await ctrlC(second)).toBe(0);
    }
  }, 600_000);
});
