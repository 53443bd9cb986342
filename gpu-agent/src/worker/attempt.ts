import { JOB_TYPES, type JobType } from '@hearth/protocol';

/**
 * The attempt number of a bee-queue job, 1-based, for `PUT …/artifacts/:name?attempt=N`.
 *
 * The appliance creates each job with `retries = JOB_TYPES[type].attempts - 1`; bee-queue lowers
 * `options.retries` (persisted in Redis) only when a failed run is scheduled again. A run that
 * was cut short (agent killed, stall re-delivery) keeps the same count, so the re-run uploads
 * under the same N and replaces what the dead run left, instead of adding a second result.
 */
export function attemptOf(type: JobType, retriesLeft: unknown): number {
  const total = JOB_TYPES[type].attempts;
  const left = typeof retriesLeft === 'number' && Number.isInteger(retriesLeft) ? retriesLeft : total - 1;
  return Math.min(total, Math.max(1, total - left));
}
