import { JOB_TYPES, QUEUE_PREFIX } from './jobs.js';
/**
 * How the appliance and agents meet around a job, besides bee-queue itself:
 * - bee-queue job id = the SQLite job id; data = BrokerJobData; result = BrokerJobResult;
 *   progress = `job.reportProgress(JobProgress)`; a worker reports `{fraction: 0, stage: 'started'}` when it
 *   picks a job up (bee-queue has no "started" event; the appliance marks the job running on it).
 * - Cancelling a running job: the appliance publishes the job id on CANCEL_CHANNEL (Redis pub/sub);
 *   the agent running it aborts its runner's AbortSignal.
 * - Bytes travel over HTTP with the agent's bearer token, never through Redis or MQTT.
 */
export const CANCEL_CHANNEL = 'hearth:jobs:cancel';

/**
 * POST `{attempt}`: an agent starts an attempt of a job it took from the queue. The appliance binds
 * the attempt to that agent (others get 403 on its uploads and inputs) and marks the job running;
 * an attempt that is not the job's current one (per SQLite, or bee-queue's own count) gets 409.
 */
export const agentStartPath = (jobId: string) => `/api/agent/jobs/${encodeURIComponent(jobId)}/start`;

/** GET: an input media item's bytes, for the agent running (started) a job that uses it. */
export const agentMediaPath = (mediaId: string) => `/api/agent/media/${mediaId}`;

/**
 * PUT: one artifact of one attempt (body = raw bytes, content-type set). Idempotent per
 * (job, attempt, name): a retried upload replaces, a stale attempt is refused with 409.
 */
export const agentArtifactPath = (jobId: string, name: string, attempt: number) =>
  `/api/agent/jobs/${encodeURIComponent(jobId)}/artifacts/${encodeURIComponent(name)}?attempt=${attempt}`;

/** Header an agent sets on an image artifact it has already moderated: `safe` or `unsafe`. */
export const MODERATION_HEADER = 'x-hearth-moderation';

export const ARTIFACT_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
export const MAX_ARTIFACT_BYTES = 200 * 1024 * 1024;

/**
 * bee-queue settings every worker (agent) Queue must use besides `prefix: QUEUE_PREFIX`:
 * finished jobs stay in Redis until the appliance has recorded them, so an appliance that was
 * offline when the `succeeded`/`failed` event went out still learns the outcome at reconciliation.
 * The appliance removes each finished job from Redis once its SQLite row is final.
 */
export const WORKER_QUEUE_SETTINGS = { prefix: QUEUE_PREFIX, removeOnSuccess: false, removeOnFailure: false, stallInterval: 5000 } as const;

/**
 * Redis hash (field = job id, value = BrokerJobResult JSON) where a worker stores a job's result
 * before returning it to bee-queue: bee-queue itself keeps a result only in the (lossy) pub/sub event.
 */
export const brokerResultsKey = (queue: string) => `${QUEUE_PREFIX}:${queue}:results`;

/**
 * The attempt number an agent puts in artifact uploads. `data.firstAttempt` is the attempt of the
 * first bee-queue try of this enqueue (the appliance counts manual retries); `retriesLeft` is the
 * bee-queue job's `options.retries`, which bee-queue lowers by one before each automatic retry.
 * A run restarted after a stall keeps its attempt number (its re-uploads replace).
 */
export function brokerAttempt(data: { firstAttempt?: number; type: keyof typeof JOB_TYPES }, retriesLeft: number | undefined): number {
  const retriesAtStart = JOB_TYPES[data.type].attempts - 1;
  return (data.firstAttempt ?? 1) + Math.max(0, retriesAtStart - (retriesLeft ?? retriesAtStart));
}
