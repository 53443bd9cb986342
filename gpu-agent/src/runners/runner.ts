import type { Capability, JobInput, JobProgress, JobType } from '@hearth/protocol';

/**
 * A job as a runner sees it: a union narrowed by `type`, whose input the agent has already checked
 * against the type's protocol schema (defaults filled in) at its edge (worker/broker-job.ts).
 */
export type RunnerJob<T extends JobType = JobType> = { [K in T]: { id: string; type: K; input: JobInput<K> } }[T];

export interface Artifact {
  /** File name, unique within the job: `[a-z0-9._-]{1,128}`. */
  name: string;
  contentType: string;
  bytes: Buffer;
}

export interface RunContext {
  /** Report progress; the worker relays it (throttling is the runner's business for previews). */
  progress(p: JobProgress): void;
  /** Aborted when the job is cancelled or times out; runners must stop promptly (≤ 2 s). */
  signal: AbortSignal;
  /** Fetch an input media item's bytes from the appliance. */
  fetchMedia(mediaId: string): Promise<{ bytes: Buffer; contentType: string }>;
  /** Upload an artifact to the appliance; returns when stored. */
  upload(artifact: Artifact): Promise<void>;
}

export interface RunResult {
  /** Names of the artifacts uploaded (in order). */
  artifacts: string[];
  /** JSON result data (e.g. dialogue for `text.dialogue`). */
  data?: unknown;
}

export interface Runner<T extends JobType = JobType> {
  readonly capability: Capability;
  /** The job types this runner takes; the agent hands it only jobs of these types. */
  readonly jobTypes: readonly T[];
  run(job: RunnerJob<T>, ctx: RunContext): Promise<RunResult>;
  /** Whether the backend this runner needs answers (built-in runners: always). */
  healthy?(): Promise<boolean>;
  /** Release GPU/CPU memory held by models (the "free VRAM" button). */
  freeMemory?(): Promise<void>;
  close?(): Promise<void>;
}

/**
 * Thrown by runners for errors a person can act on; the message is shown to the family. `detail`
 * (a server's full error body, a traceback) goes to the agent's log only.
 */
export class JobError extends Error {
  constructor(
    message: string,
    readonly retryable = false,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}
