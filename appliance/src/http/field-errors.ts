import { ValueErrorType, type ValueError } from '@sinclair/typebox/value';
import type { FieldError, FieldErrorCode } from '@hearth/protocol';

/**
 * The one place that turns schema validation failures — Ajv's (route schemas) and TypeBox's
 * (job inputs) — into `FieldError`s: an English message naming the field, the field's path and
 * a code with its limit, so clients never parse the English.
 */

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

const AJV_CODES: Record<string, FieldErrorCode> = {
  required: 'required',
  additionalProperties: 'unknown-field',
  type: 'type',
  minimum: 'too-small',
  exclusiveMinimum: 'too-small',
  maximum: 'too-large',
  exclusiveMaximum: 'too-large',
  minLength: 'too-short',
  maxLength: 'too-long',
  minItems: 'too-few',
  maxItems: 'too-many',
  minProperties: 'too-few',
  maxProperties: 'too-many',
  pattern: 'pattern',
  format: 'format',
  enum: 'one-of',
  const: 'one-of',
};

/** `body` paths are relative to the body (what a form knows); other parts keep their name in front. */
const fieldPath = (dataVar: string, pointer: string) => {
  const dotted = pointer.split('/').filter(Boolean).join('.');
  if (dataVar === 'body') return dotted;
  return dotted ? `${dataVar}.${dotted}` : dataVar;
};

/** Ajv's first error → "body.scale must be …" with the field and code (Fastify's `schemaErrorFormatter`). */
export function fieldErrorFromAjv(errors: readonly AjvError[], dataVar: string): FieldError {
  const e = errors[0];
  if (!e) return { message: `${dataVar} is not valid`, field: fieldPath(dataVar, ''), code: 'invalid' };
  const named = `${dataVar}${e.instancePath.replaceAll('/', '.')}`;
  const code = AJV_CODES[e.keyword] ?? 'invalid';
  if (e.keyword === 'additionalProperties') {
    const prop = String(e.params.additionalProperty);
    return { message: `${named} has an unknown field "${prop}"`, field: fieldPath(dataVar, `${e.instancePath}/${prop}`), code };
  }
  if (e.keyword === 'required') {
    const prop = String(e.params.missingProperty);
    return { message: `${named}.${prop} is required`, field: fieldPath(dataVar, `${e.instancePath}/${prop}`), code };
  }
  const out: FieldError = { message: `${named} ${e.message ?? 'is not valid'}`, field: fieldPath(dataVar, e.instancePath), code };
  if (typeof e.params.limit === 'number') out.params = { limit: e.params.limit };
  if (code === 'one-of') {
    // A union of literals fails once per literal at the same place: together they are the choices.
    const allowed =
      e.keyword === 'enum'
        ? (e.params.allowedValues as unknown[])
        : errors.filter((x) => x.keyword === 'const' && x.instancePath === e.instancePath).map((x) => x.params.allowedValue);
    out.params = { allowed: allowed.map((v) => JSON.stringify(v)).join(', ') };
  }
  return out;
}

const TYPEBOX_CODES: Partial<Record<ValueErrorType, FieldErrorCode>> = {
  [ValueErrorType.ObjectRequiredProperty]: 'required',
  [ValueErrorType.ObjectAdditionalProperties]: 'unknown-field',
  [ValueErrorType.NumberMinimum]: 'too-small',
  [ValueErrorType.NumberExclusiveMinimum]: 'too-small',
  [ValueErrorType.IntegerMinimum]: 'too-small',
  [ValueErrorType.IntegerExclusiveMinimum]: 'too-small',
  [ValueErrorType.NumberMaximum]: 'too-large',
  [ValueErrorType.NumberExclusiveMaximum]: 'too-large',
  [ValueErrorType.IntegerMaximum]: 'too-large',
  [ValueErrorType.IntegerExclusiveMaximum]: 'too-large',
  [ValueErrorType.StringMinLength]: 'too-short',
  [ValueErrorType.StringMaxLength]: 'too-long',
  [ValueErrorType.ArrayMinItems]: 'too-few',
  [ValueErrorType.ArrayMaxItems]: 'too-many',
  [ValueErrorType.StringPattern]: 'pattern',
  [ValueErrorType.StringFormat]: 'format',
  [ValueErrorType.Number]: 'type',
  [ValueErrorType.Integer]: 'type',
  [ValueErrorType.String]: 'type',
  [ValueErrorType.Boolean]: 'type',
  [ValueErrorType.Object]: 'type',
  [ValueErrorType.Array]: 'type',
  [ValueErrorType.Literal]: 'one-of',
};

const LIMIT_KEYS = ['minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum', 'minLength', 'maxLength', 'minItems', 'maxItems'] as const;

/** A TypeBox error under `prefix` (e.g. a job's `input`) → "input.scale must be 2 or 4" with the field and code. */
export function fieldErrorFromTypebox(e: ValueError, prefix: string): FieldError {
  const named = `${prefix}${e.path.replaceAll('/', '.')}`;
  const field = fieldPath('body', `${prefix}${e.path}`);
  const s = e.schema as Record<string, unknown> & { anyOf?: Array<{ const?: unknown }> };
  switch (e.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const parent = named.slice(0, named.lastIndexOf('.'));
      return { message: `${parent} has an unknown field "${e.path.split('/').pop()}"`, field, code: 'unknown-field' };
    }
    case ValueErrorType.ObjectRequiredProperty:
      return { message: `${named} is required`, field, code: 'required' };
    case ValueErrorType.Union:
      if (s.anyOf?.every((v) => v.const !== undefined)) {
        const allowed = s.anyOf.map((v) => JSON.stringify(v.const));
        return { message: `${named} must be ${allowed.join(' or ')}`, field, code: 'one-of', params: { allowed: allowed.join(', ') } };
      }
      return { message: `${named} is not valid`, field, code: 'invalid' };
    default: {
      const out: FieldError = {
        message: `${named} ${e.message.replace(/^Expected/, 'must be').replace(/^Unexpected/, 'has an unexpected')}`.replace(/ to be /, ' '),
        field,
        code: TYPEBOX_CODES[e.type] ?? 'invalid',
      };
      const limit = LIMIT_KEYS.map((k) => s[k]).find((v) => typeof v === 'number');
      if (limit !== undefined && out.code.startsWith('too-')) out.params = { limit: limit as number };
      return out;
    }
  }
}
