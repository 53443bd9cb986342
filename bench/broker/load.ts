/**
 * The broker benchmark's load generator, run as a child process of run.ts so that making
 * requests (HTTP clients, or the bee-queue producer for the anchor) does not share an event
 * loop with the appliance or the worker it measures. Driven by IPC messages from run.ts.
 */
import { Agent, request } from 'node:http';
import Queue from 'bee-queue';
import type { BrokerJobData } from '@hearth/protocol';
import { clock, type FromLoad, type ToLoad } from './messages.js';

const send = (m: FromLoad) => process.send!(m);

/** The next message of a kind from run.ts; `started` notices go to the waiters below instead. */
const waiting = new Map<string, (m: ToLoad) => void>();
const started = new Set<string>();
const startWaiters = new Map<string, () => void>();
process.on('message', (m: ToLoad) => {
  if (m.cmd === 'started') {
    started.add(m.id);
    startWaiters.get(m.id)?.();
    return;
  }
  const w = waiting.get(m.cmd);
  waiting.delete(m.cmd);
  w?.(m);
});
const next = <K extends ToLoad['cmd']>(cmd: K) => new Promise<Extract<ToLoad, { cmd: K }>>((r) => waiting.set(cmd, r as (m: ToLoad) => void));

async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>) {
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < n) await task(i++);
    }),
  );
}

/**
 * One job at a time: submit, wait until run.ts says the worker started it, then the next. Only
 * the submit times are kept here; run.ts has the worker's start times on the same clock.
 */
async function paced(n: number, submit: (i: number) => Promise<string>): Promise<Array<{ id: string; at: number; replied: number }>> {
  const out: Array<{ id: string; at: number; replied: number }> = [];
  for (let i = 0; i < n; i++) {
    const at = clock();
    const id = await submit(i);
    out.push({ id, at, replied: clock() });
    if (!started.has(id)) await new Promise<void>((r) => startWaiters.set(id, r));
    startWaiters.delete(id);
  }
  return out;
}

async function raw(m: Extract<ToLoad, { cmd: 'raw' }>) {
  const producer = new Queue<BrokerJobData>(m.queue, {
    prefix: 'hearth',
    redis: { url: m.redisUrl } as never,
    isWorker: false,
    getEvents: true,
    storeJobs: false,
  });
  await producer.ready();
  let done = 0;
  producer.on('job succeeded', (id) => {
    if (id.startsWith('raw-') && ++done === m.n) send({ event: 'done' });
  });
  const add = (id: string, prompt: string) =>
    producer.createJob({ jobId: id, type: 'image.generate', input: { prompt } }).setId(id).retries(1).timeout(60_000).save();
  const warm = new Promise((r) => producer.once('job succeeded', r));
  await add('warm-up', 'warm-up');
  await warm;
  send({ event: 'ready' });
  await next('go');
  await pool(m.n, m.concurrency, async (i) => {
    await add(`raw-${i}`, `bench ${i}`);
  });
  await next('paced');
  send({ event: 'submits', submits: await paced(m.paced, async (i) => (await add(`paced-${i}`, `paced ${i}`)).id) });
  await producer.close(5000);
}

/**
 * POST /api/jobs as the signed-in admin's browser would (session cookie, CSRF header, JSON), on
 * keep-alive connections. Plain node:http rather than fetch(): fetch costs this process about
 * 1.5 ms of CPU per request, which on a small machine is taken from the appliance under test.
 */
async function hearth(m: Extract<ToLoad, { cmd: 'hearth' }>) {
  const url = new URL('/api/jobs', m.url);
  const agent = new Agent({ keepAlive: true, maxSockets: m.concurrency });
  const submit = (prompt: string) =>
    new Promise<string>((resolve, reject) => {
      const body = JSON.stringify({ type: 'image.generate', input: { prompt } });
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: m.cookie, 'x-csrf-token': m.csrf },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () =>
            res.statusCode === 201 ? resolve((JSON.parse(text) as { id: string }).id) : reject(new Error(`submit: ${res.statusCode} ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await submit('warm-up');
  send({ event: 'ready' });
  await next('go');
  await pool(m.n, m.concurrency, async (i) => {
    await submit(`bench ${i}`);
  });
  await next('paced');
  send({ event: 'submits', submits: await paced(m.paced, (i) => submit(`paced ${i}`)) });
  agent.destroy();
}

const first = await new Promise<ToLoad>((r) => process.once('message', r));
await (first.cmd === 'raw' ? raw(first) : first.cmd === 'hearth' ? hearth(first) : Promise.reject(new Error(`unexpected ${first.cmd}`)));
process.disconnect();
