/**
 * How the appliance and agents meet around a job, besides bee-queue itself:
 * - bee-queue job id = the SQLite job id; data = BrokerJobData; result = BrokerJobResult;
 *   progress = `job.reportProgress(JobProgress)`.
 * - Cancelling a running job: the appliance publishes the job id on CANCEL_CHANNEL (Redis pub/sub);
 *   the agent running it aborts its runner's AbortSignal.
 * - Bytes travel over HTTP with the agent's bearer token, never through Redis or MQTT.
 */
export const CANCEL_CHANNEL = 'hearth:jobs:cancel';

/** GET: an input media item's bytes, for an agent running a job that uses it. */
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
