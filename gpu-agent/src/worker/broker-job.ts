import { BrokerJobData, JOB_TYPES, type Capability } from '@hearth/protocol';
import { Value } from '@sinclair/typebox/value';
import type { RunnerJob } from '../runners/runner.js';

export type ParsedJob = { ok: true; job: RunnerJob } | { ok: false; error: string };

const firstError = (schema: Parameters<typeof Value.Errors>[0], value: unknown) => {
  const e = Value.Errors(schema, value).First();
  return e && `${e.path || '/'}: ${e.message}`;
};

/**
 * Checks what came out of a queue before any runner sees it: the envelope against
 * BrokerJobData, the id against bee-queue's, the type against the queue's capability and the
 * input against the type's schema (defaults filled in, unknown fields refused).
 */
export function parseBrokerJob(beeJobId: string, capability: Capability, data: unknown): ParsedJob {
  const envelope = firstError(BrokerJobData, data);
  if (envelope) return { ok: false, error: `invalid job data ${envelope}` };
  const { jobId, type, input } = data as BrokerJobData;
  if (jobId !== beeJobId) return { ok: false, error: `job data names job ${jobId.slice(0, 64)} but the queue holds job ${beeJobId.slice(0, 64)}` };
  const spec = JOB_TYPES[type];
  if (spec.capability !== capability) return { ok: false, error: `a ${type} job does not belong in the ${capability} queue` };
  const withDefaults = Value.Default(spec.input, structuredClone(input));
  const bad = firstError(spec.input, withDefaults);
  if (bad) return { ok: false, error: `invalid ${type} input ${bad}` };
  // The one place a job's input is checked: runners trust the type-narrowed input from here on.
  return { ok: true, job: { id: jobId, type, input: withDefaults } as RunnerJob };
}
