import { agentArtifactPath, agentMediaPath, agentStartPath, backoffDelay, MAX_ARTIFACT_BYTES } from '@hearth/protocol';
import type { Logger } from '../log.js';
import { JobError } from '../runners/runner.js';

export interface ApplianceClientOptions {
  baseUrl: string;
  /** The agent's device token (`hd_…`); sent as a bearer, never logged. */
  token: string;
  /** Tries per request for 5xx answers (1 = no retry); an unreachable appliance does not count. */
  tries?: number;
  /** First backoff; doubles per retry, with jitter. */
  backoffMs?: number;
  /** Longest wait between tries while the appliance is unreachable (hub rebooting). */
  maxBackoffMs?: number;
  log?: Pick<Logger, 'warn' | 'info'>;
  /** One request (headers and body) must finish within this. */
  requestTimeoutMs?: number;
}

/** Chunks of the streamed upload body; bounded so a 200 MB artifact is never copied whole. */
const CHUNK = 256 * 1024;

/** A 4xx answer: the request itself is wrong, retrying cannot help. */
class Refused extends Error {}
/** A gateway's word that the appliance is down (502–504). */
class Unavailable extends Error {}

/** Another agent holds this attempt; the job itself is fine and gets a new attempt. */
export class AttemptTaken extends Error {}

/** The appliance's agent API: input media in, artifacts out, over HTTP with the agent token. */
export class ApplianceClient {
  readonly #base: string;
  readonly #token: string;
  readonly #tries: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;
  readonly #maxBackoffMs: number;
  readonly #log: Pick<Logger, 'warn' | 'info'> | undefined;

  constructor(o: ApplianceClientOptions) {
    this.#base = o.baseUrl.replace(/\/+$/, '');
    this.#token = o.token;
    this.#tries = o.tries ?? 5;
    this.#backoffMs = o.backoffMs ?? 500;
    this.#timeoutMs = o.requestTimeoutMs ?? 120_000;
    this.#maxBackoffMs = o.maxBackoffMs ?? 30_000;
    this.#log = o.log;
  }

  /**
   * Tell the appliance this agent starts `attempt` of a job it took from the queue; only then may
   * it read the job's inputs and upload into the attempt. A 409 (the job moved on or ended) is
   * final; a 403 (another agent holds this attempt: it was handed out again after a stall) fails
   * the attempt so bee-queue's retry gives the job a fresh one.
   */
  async startJob(jobId: string, attempt: number, signal: AbortSignal): Promise<void> {
    await this.#withRetry(`starting job ${jobId}`, signal, async (attemptSignal) => {
      const res = await fetch(this.#base + agentStartPath(jobId), {
        method: 'POST',
        headers: { ...this.#auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ attempt }),
        signal: attemptSignal,
      });
      if (res.status === 403) {
        const text = (await res.text().catch(() => '')).slice(0, 300);
        throw new AttemptTaken(`The appliance gave this attempt to another agent: ${text}`);
      }
      if (res.status === 409 || res.status === 404) {
        const text = (await res.text().catch(() => '')).slice(0, 300);
        throw new JobError(`The appliance no longer runs this attempt: ${text}`);
      }
      await this.#check(res, `starting job ${jobId}`);
      await res.body?.cancel();
    });
  }

  async fetchMedia(mediaId: string, signal: AbortSignal): Promise<{ bytes: Buffer; contentType: string }> {
    return this.#withRetry(`fetching input ${mediaId.slice(0, 12)}`, signal, async (attemptSignal) => {
      const res = await fetch(this.#base + agentMediaPath(mediaId), { headers: this.#auth(), signal: attemptSignal });
      if (res.status === 404) {
        await res.body?.cancel();
        throw new JobError('An input picture of this job is no longer in the gallery.');
      }
      await this.#check(res, 'fetching input media');
      const declared = Number(res.headers.get('content-length') ?? 0);
      if (declared > MAX_ARTIFACT_BYTES) {
        await res.body?.cancel();
        throw new JobError(`An input file is too large (${declared} bytes).`);
      }
      const bytes = Buffer.from(await res.arrayBuffer());
      return { bytes, contentType: res.headers.get('content-type') ?? 'application/octet-stream' };
    });
  }

  /** PUT one artifact of one attempt; the appliance replaces an earlier upload of the same (attempt, name). */
  async uploadArtifact(
    jobId: string,
    attempt: number,
    artifact: { name: string; contentType: string; bytes: Buffer },
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<void> {
    await this.#withRetry(`uploading ${artifact.name}`, signal, async (attemptSignal) => {
      const res = await fetch(this.#base + agentArtifactPath(jobId, artifact.name, attempt), {
        method: 'PUT',
        headers: { ...this.#auth(), ...headers, 'content-type': artifact.contentType, 'content-length': String(artifact.bytes.length) },
        body: chunked(artifact.bytes),
        duplex: 'half',
        signal: attemptSignal,
      } as RequestInit);
      if (res.status === 409) {
        await res.body?.cancel();
        throw new JobError('This run of the job was superseded by a newer attempt.');
      }
      await this.#check(res, `uploading ${artifact.name}`);
      await res.body?.cancel();
    });
  }

  #auth(): Record<string, string> {
    return { authorization: `Bearer ${this.#token}` };
  }

  async #check(res: Response, what: string): Promise<void> {
    if (res.ok) return;
    const text = (await res.text().catch(() => '')).slice(0, 300);
    const err = new Error(`${what}: HTTP ${res.status}${text ? ` ${text}` : ''}`);
    // 507: the hub's disk is full; freeing space is the family's fix, not a reason to fail the job.
    if (res.status === 502 || res.status === 503 || res.status === 504 || res.status === 507) throw new Unavailable(err.message);
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Refused(err.message);
    throw err;
  }

  /**
   * An appliance that cannot be reached (hub rebooting, network down, a proxy's 502–504) is not the
   * job's fault: wait for it with backoff, for as long as the job's signal allows (its timeout or a
   * cancel), without counting tries. Other failures get `tries` tries.
   */
  async #withRetry<T>(what: string, signal: AbortSignal, attempt: (s: AbortSignal) => Promise<T>): Promise<T> {
    let failures = 0;
    let waits = 0;
    for (;;) {
      signal.throwIfAborted();
      try {
        const result = await attempt(AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]));
        if (waits) this.#log?.info(`${what}: the appliance is reachable again`, { waited: waits });
        return result;
      } catch (err) {
        if (err instanceof JobError || err instanceof AttemptTaken) throw err;
        if (err instanceof Refused) throw new JobError(`The appliance refused ${err.message}`);
        signal.throwIfAborted();
        if (unreachable(err)) {
          waits++;
          if (waits === 1 || waits % 10 === 0)
            this.#log?.warn(`${what}: the appliance is unreachable; waiting for it`, { error: String((err as Error).message).slice(0, 200), tries: waits });
          await sleep(backoffDelay(waits, { baseMs: this.#backoffMs, maxMs: this.#maxBackoffMs }), signal);
          continue;
        }
        if (++failures >= this.#tries) throw new Error(`${what} failed after ${failures} tries: ${(err as Error).message}`, { cause: err });
        await sleep(backoffDelay(failures, { baseMs: this.#backoffMs, maxMs: this.#maxBackoffMs }), signal);
      }
    }
  }
}

function unreachable(err: unknown): boolean {
  if (err instanceof Unavailable) return true;
  // undici: `TypeError: fetch failed` (refused, reset, DNS, …) and `terminated` (connection cut mid-body).
  if (err instanceof TypeError) return true;
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function chunked(bytes: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + CHUNK));
      offset += CHUNK;
    },
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
