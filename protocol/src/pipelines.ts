import { Type, type Static } from '@sinclair/typebox';
import { JOB_STATUSES, JOB_TYPE_NAMES } from './jobs.js';

/**
 * A pipeline is a parent record whose steps are ordinary jobs. A step waits until the steps it
 * needs have succeeded; then its job is submitted with an input built from their results.
 */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const PIPELINE_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type PipelineStatus = (typeof PIPELINE_STATUSES)[number];

/** A step is `waiting` until its job exists; then it has its job's status. */
export const PIPELINE_STEP_STATUSES = ['waiting', ...JOB_STATUSES] as const;
export type PipelineStepStatus = (typeof PIPELINE_STEP_STATUSES)[number];

export const PipelineStepView = Type.Object(
  {
    key: Type.String(),
    title: Type.String(),
    jobType: literals(JOB_TYPE_NAMES),
    needs: Type.Array(Type.String()),
    status: literals(PIPELINE_STEP_STATUSES),
    jobId: Type.Union([Type.String(), Type.Null()]),
    /** Share of the step done (the job's progress while it runs). */
    fraction: Type.Number({ minimum: 0, maximum: 1 }),
    error: Type.Union([Type.String(), Type.Null()]),
    /** The step waits for a person to approve what came before (e.g. a story's storyboard). */
    awaitingApproval: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type PipelineStepView = Static<typeof PipelineStepView>;

export const PipelineView = Type.Object(
  {
    id: Type.Integer(),
    kind: Type.String(),
    title: Type.String(),
    /** What the pipeline works on, e.g. `comic:12`. */
    subject: Type.Union([Type.String(), Type.Null()]),
    status: literals(PIPELINE_STATUSES),
    /** Share of the whole done: every step counts the same. */
    fraction: Type.Number({ minimum: 0, maximum: 1 }),
    steps: Type.Array(PipelineStepView),
    ownerId: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.Number(),
    finishedAt: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type PipelineView = Static<typeof PipelineView>;
