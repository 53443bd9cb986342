import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Queue from 'bee-queue';
import { JOB_TYPES, MODERATION_HEADER, QUEUE_PREFIX, queueName, type BrokerJobData, type Capability, type JobProgress } from '@hearth/protocol';
import { JobError, type RunContext, type Runner, type RunnerJob, type RunResult } from '../src/runners/runner.js';

export interface StoredArtifact {
  jobId: string;
  name: string;
  attempt: number;
  contentType: string;
  moderation: string | undefined;
  authorization: string | undefined;
  bytes: Buffer;
}

/**
 * The appliance's agent routes as the protocol states them (POST start, GET media, PUT artifact
 * per attempt, replace on re-upload, bearer token), for worker tests that run before / without the
 * full appliance. `failNext` makes the next N artifact PUTs answer 503; `starts` lists the
 * attempts started, in order.
 */
export async function startAgentApiStandin(token: string) {
  const media = new Map<string, { bytes: Buffer; contentType: string }>();
  const artifacts = new Map<string, StoredArtifact>();
  const puts: Array<{ path: string; status: number }> = [];
  const starts: Array<{ jobId: string; attempt: number }> = [];
  let failNext = 0;
  const server: Server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end('{"error":"unauthorized"}');
    const m = /^\/api\/agent\/media\/([a-f0-9]{64})$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const item = media.get(m[1]!);
      if (!item) return void res.writeHead(404).end();
      return void res.writeHead(200, { 'content-type': item.contentType, 'content-length': item.bytes.length }).end(item.bytes);
    }
    const s = /^\/api\/agent\/jobs\/([^/]+)\/start$/.exec(url.pathname);
    if (req.method === 'POST' && s) {
      const { attempt } = JSON.parse((await body(req)).toString()) as { attempt: number };
      starts.push({ jobId: decodeURIComponent(s[1]!), attempt });
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attempt }));
    }
    const a = /^\/api\/agent\/jobs\/([^/]+)\/artifacts\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'PUT' && a) {
      const bytes = await body(req);
      if (failNext > 0) {
        failNext--;
        puts.push({ path: url.pathname, status: 503 });
        return void res.writeHead(503).end('busy');
      }
      const jobId = decodeURIComponent(a[1]!);
      const name = decodeURIComponent(a[2]!);
      const attempt = Number(url.searchParams.get('attempt'));
      if (Number(req.headers['content-length']) !== bytes.length) return void res.writeHead(400).end('length mismatch');
      artifacts.set(`${jobId}/${attempt}/${name}`, {
        jobId,
        name,
        attempt,
        bytes,
        contentType: String(req.headers['content-type']),
        moderation: req.headers[MODERATION_HEADER] as string | undefined,
        authorization: req.headers.authorization,
      });
      puts.push({ path: url.pathname, status: 204 });
      return void res.writeHead(204).end();
    }
    res.writeHead(404).end();
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  const url = `http://127.0.0.1:${addr && typeof addr === 'object' ? addr.port : 0}`;
  return {
    url,
    media,
    artifacts,
    puts,
    starts,
    failNextPuts(n: number) {
      failNext = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The appliance's side of bee-queue: a producer that also hears job events. */
export function producer(redisUrl: string, capability: Capability) {
  return new Queue<BrokerJobData>(queueName(capability), {
    prefix: QUEUE_PREFIX,
    redis: { url: redisUrl },
    isWorker: false,
    getEvents: true,
    storeJobs: false,
  });
}

/** Adds a job the way the appliance does: id = job id, retries = the type's attempts - 1. */
export async function addJob(queue: Queue<BrokerJobData>, data: BrokerJobData, retries = JOB_TYPES[data.type].attempts - 1) {
  const job = await queue.createJob(data).setId(data.jobId).retries(retries).save();
  return job;
}

/** Collects a queue's job events by job id, in arrival order. */
export function recordEvents(queue: Queue<BrokerJobData>) {
  const events: Array<{ id: string; event: string; data: unknown }> = [];
  for (const event of ['succeeded', 'failed', 'retrying', 'progress'] as const) {
    queue.on(`job ${event}` as 'job succeeded', (id: string, data: unknown) => events.push({ id, event, data: data instanceof Error ? data.message : data }));
  }
  return {
    events,
    of: (id: string, event?: string) => events.filter((e) => e.id === id && (!event || e.event === event)),
  };
}

/**
 * A runner whose behaviour each test sets: it reports progress, uploads what it is told and
 * honours (or, to test the grace time, ignores) its signal.
 */
export class ScriptedRunner implements Runner {
  readonly capability: Capability;
  readonly jobTypes: RunnerJob['type'][];
  calls: Array<{ job: RunnerJob; attemptSignal: AbortSignal; abortedAt?: number }> = [];
  script: (job: RunnerJob, ctx: RunContext, call: number) => Promise<RunResult> = async () => ({ artifacts: [] });

  constructor(capability: Capability, types: RunnerJob['type'][]) {
    this.capability = capability;
    this.jobTypes = types;
  }

  run(job: RunnerJob, ctx: RunContext): Promise<RunResult> {
    const call = { job, attemptSignal: ctx.signal } as ScriptedRunner['calls'][number];
    ctx.signal.addEventListener('abort', () => (call.abortedAt = Date.now()), { once: true });
    this.calls.push(call);
    return this.script(job, ctx, this.calls.length);
  }
}

/** Waits until the signal fires, then throws like a well-behaved runner. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new JobError('stopped')), { once: true }));
}

export const progressOf = (fraction: number, stage: string): JobProgress => ({ fraction, stage });
