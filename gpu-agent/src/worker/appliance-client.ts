import { agentArtifactPath, agentMediaPath, agentStartPath, MAX_ARTIFACT_BYTES } from '@hearth/protocol';
import { JobError } from '../runners/runner.js';

export interface ApplianceClientOptions {
  baseUrl: string;
  /** The agent's device token (`hd_…`); sent as a bearer, never logged. */
  token: string;
  /** Tries per request for network errors and 5xx answers (1 = no retry). */
  tries?: number;
  /** First backoff; doubles per retry, with jitter. */
  backoffMs?: number;
  /** One request (headers and body) must finish within this. */
  requestTimeoutMs?: number;
}

/** Chunks of the streamed upload body; bounded so a 200 MB artifact is never copied whole. */
const CHUNK = 256 * 1024;

/** A 4xx answer: the request itself is wrong, retrying cannot help. */
class Refused extends Error {}

/** Another agent holds this attempt; the job itself is fine and gets a new attempt. */
export class AttemptTaken extends Error {}

/** The appliance's agent API: input media in, artifacts out, over HTTP with the agent token. */
export class ApplianceClient {
  readonly #base: string;
  readonly #token: string;
  readonly #tries: number;
  readonly #backoffMs: number;
  readonly #timeoutMs: number;

  constructor(o: ApplianceClientOptions) {
    this.#base = o.baseUrl.replace(/\/+$/, '');
    this.#token = o.token;
    this.#tries = o.tries ?? 5;
    this.#backoffMs = o.backoffMs ?? 500;
    this.#timeoutMs = o.requestTimeoutMs ?? 120_000;
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
    if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new Refused(err.message);
    throw err;
  }

  async #withRetry<T>(what: string, signal: AbortSignal, attempt: (s: AbortSignal) => Promise<T>): Promise<T> {
    for (let i = 1; ; i++) {
      signal.throwIfAborted();
      try {
        return await attempt(AbortSignal.any([signal, AbortSignal.timeout(this.#timeoutMs)]));
      } catch (err) {
        if (err instanceof JobError || err instanceof AttemptTaken) throw err;
        if (err instanceof Refused) throw new JobError(`The appliance refused ${err.message}`);
        signal.throwIfAborted();
        if (i >= this.#tries) throw new Error(`${what} failed after ${i} tries: ${(err as Error).message}`);
        const delay = this.#backoffMs * 2 ** (i - 1) * (0.75 + Math.random() / 2);
        await sleep(delay, signal);
      }
    }
  }
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
