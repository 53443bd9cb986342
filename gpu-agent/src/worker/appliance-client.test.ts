import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '@hearth/testkit';
import { ApplianceClient } from './appliance-client.js';

/** A real HTTP server standing where the appliance's agent API is: it answers PUTs with `status`. */
function listen(port: number, status: () => number, got: string[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      got.push(`${req.method} ${req.url} ${body}`);
      res.statusCode = status();
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

const artifact = { name: 'out.png', contentType: 'image/png', bytes: Buffer.from('picture') };

describe('uploading to the appliance', () => {
  it('waits for an appliance that is down, longer than its tries for errors, and delivers once it is back', async () => {
    const port = await freePort();
    const warnings: string[] = [];
    const client = new ApplianceClient({
      baseUrl: `http://127.0.0.1:${port}`,
      token: 't',
      tries: 2,
      backoffMs: 10,
      maxBackoffMs: 20,
      log: { warn: (m) => warnings.push(m), info: () => undefined },
    });
    const upload = client.uploadArtifact('job-1', 1, artifact, {}, new AbortController().signal);
    // Nothing listens: ten refused connections (five times its tries) and it still waits.
    await waitFor(() => warnings.some((w) => /unreachable/.test(w)) && warnings.length >= 2, { timeoutMs: 10_000, what: 'ten waits' });
    const got: string[] = [];
    servers.push(await listen(port, () => 200, got));
    await upload;
    expect(got).toEqual(['PUT /api/agent/jobs/job-1/artifacts/out.png?attempt=1 picture']);
  });

  it('treats 503 as "not there yet" but gives up on a 500 after its tries, and never retries a 4xx', async () => {
    const port = await freePort();
    let answers = [503, 503, 503, 200];
    const got: string[] = [];
    servers.push(await listen(port, () => answers.shift() ?? 500, got));
    const client = new ApplianceClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', tries: 2, backoffMs: 5, maxBackoffMs: 10 });
    await client.uploadArtifact('job-2', 1, artifact, {}, new AbortController().signal);
    expect(got).toHaveLength(4);

    answers = [];
    await expect(client.uploadArtifact('job-3', 1, artifact, {}, new AbortController().signal)).rejects.toThrow(/failed after 2 tries: .*HTTP 500/);
    answers = [403];
    await expect(client.uploadArtifact('job-4', 1, artifact, {}, new AbortController().signal)).rejects.toThrow(/refused .*HTTP 403/);
  });

  it('stops waiting when the job’s signal fires (its timeout or a cancel)', async () => {
    const port = await freePort();
    const client = new ApplianceClient({ baseUrl: `http://127.0.0.1:${port}`, token: 't', backoffMs: 10, maxBackoffMs: 20 });
    const controller = new AbortController();
    const upload = client.uploadArtifact('job-5', 1, artifact, {}, controller.signal);
    controller.abort(new Error('The job took longer than 15 minutes and was stopped.'));
    await expect(upload).rejects.toThrow(/took longer than 15 minutes/);
  });
});
