import { Value } from '@sinclair/typebox/value';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { JOB_TYPES, JOB_TYPE_NAMES, type JobType } from '@hearth/protocol';
import { invalidField } from '../http/errors.js';
import { fieldErrorFromTypebox } from '../http/field-errors.js';

export function isJobType(type: string): type is JobType {
  return (JOB_TYPE_NAMES as readonly string[]).includes(type);
}

/**
 * Check a job's input against its protocol schema and fill in defaults. Throws 400 with a
 * message that names the field: "input.scale must be 2 or 4".
 */
export function validateJobInput(type: string, input: unknown): { type: JobType; input: Record<string, unknown> } {
  if (!isJobType(type)) {
    throw invalidField({
      message: `body.type "${type.slice(0, 40)}" is not a job type (one of ${JOB_TYPE_NAMES.join(', ')})`,
      field: 'type',
      code: 'one-of',
      params: { allowed: JOB_TYPE_NAMES.join(', ') },
    });
  }
  const schema = JOB_TYPES[type].input as TSchema;
  const filled = Value.Default(schema, structuredClone(input));
  const check = checkerFor(type);
  // The compiled check is fast; errors are worked out only for input that fails it.
  if (!check.Check(filled)) throw invalidField(fieldErrorFromTypebox(check.Errors(filled).First()!, 'input'));
  return { type, input: filled as Record<string, unknown> };
}

const checkers = new Map<JobType, TypeCheck<TSchema>>();
function checkerFor(type: JobType): TypeCheck<TSchema> {
  let check = checkers.get(type);
  if (!check) checkers.set(type, (check = TypeCompiler.Compile(JOB_TYPES[type].input as TSchema)));
  return check;
}

/** Keys whose string values are media ids: `video.compose` names its scenes' picture, narration and music. */
const MEDIA_KEYS = new Set(['mediaId', 'mediaIds', 'pictureId', 'narrationId', 'musicId']);

/** Media ids an input refers to (mediaId, mediaIds, panels[].mediaId, scenes[].pictureId…), wherever they sit. */
export function referencedMedia(input: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string | undefined) => {
    if (typeof v === 'string' && key !== undefined && MEDIA_KEYS.has(key)) out.add(v);
    else if (Array.isArray(v)) for (const item of v) walk(item, key === 'mediaIds' ? 'mediaIds' : undefined);
    else if (v && typeof v === 'object') for (const [k, child] of Object.entries(v)) walk(child, k);
  };
  walk(input, undefined);
  return [...out];
}
