import type { Translate } from '../i18n/i18n.js';
import type { JsonSchema } from '../types.js';

/** The widget a schema node gets; adding a job type needs no UI code as long as it fits one. */
export type FieldKind = 'media' | 'media-list' | 'choice' | 'boolean' | 'integer' | 'number' | 'text' | 'long-text' | 'object' | 'list' | 'unsupported';

const MEDIA_ID = /^\^\[a-f0-9\]\{64\}\$$/;

export const isMediaId = (s: JsonSchema) => s.type === 'string' && typeof s.pattern === 'string' && MEDIA_ID.test(s.pattern);

/** The values of a union of literals or an enum, or null. */
export function choices(s: JsonSchema): unknown[] | null {
  if (s.enum) return s.enum;
  if (s.anyOf && s.anyOf.length > 0 && s.anyOf.every((a) => 'const' in a)) return s.anyOf.map((a) => a.const);
  return null;
}

export function fieldKind(s: JsonSchema): FieldKind {
  if (choices(s)) return 'choice';
  if (isMediaId(s)) return 'media';
  switch (s.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return (s.maxLength ?? 0) > 200 ? 'long-text' : 'text';
    case 'object':
      return 'object';
    case 'array':
      return s.items && isMediaId(s.items) ? 'media-list' : s.items ? 'list' : 'unsupported';
    default:
      return 'unsupported';
  }
}

/** Starting values: defaults where the schema has them, required lists filled to their minimum. */
export function initialValue(s: JsonSchema): unknown {
  if (s.default !== undefined) return structuredClone(s.default);
  const kind = fieldKind(s);
  if (kind === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      if (s.required?.includes(k)) out[k] = initialValue(p);
    }
    return out;
  }
  if (kind === 'list') return Array.from({ length: s.minItems ?? 0 }, () => initialValue(s.items!));
  if (kind === 'media-list') return [];
  if (kind === 'boolean') return false;
  if (kind === 'choice') return choices(s)![0];
  return undefined;
}

/** "frameDelayMs" → "Frame delay ms", for fields without a title or translation. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export type Errors = Record<string, string>;

/** Check `value` against `s` the way the server will; messages keyed by dotted path. */
export function validate(s: JsonSchema, value: unknown, t: Translate, path = '', errors: Errors = {}): Errors {
  const kind = fieldKind(s);
  const empty = value === undefined || value === '' || value === null;
  if (empty) return errors;
  const fail = (message: string) => {
    errors[path] ??= message;
  };
  switch (kind) {
    case 'choice':
      if (!choices(s)!.includes(value)) fail(t('form.choose'));
      break;
    case 'integer':
    case 'number': {
      const n = value as number;
      if (typeof n !== 'number' || Number.isNaN(n)) fail(t('form.number'));
      else if (kind === 'integer' && !Number.isInteger(n)) fail(t('form.integer'));
      else if (s.minimum !== undefined && n < s.minimum) fail(t('form.min', { min: s.minimum }));
      else if (s.maximum !== undefined && n > s.maximum) fail(t('form.max', { max: s.maximum }));
      else if (s.multipleOf !== undefined && Math.abs(n / s.multipleOf - Math.round(n / s.multipleOf)) > 1e-9)
        fail(t('form.multipleOf', { step: s.multipleOf }));
      break;
    }
    case 'text':
    case 'long-text':
    case 'media': {
      const v = String(value);
      if (s.minLength !== undefined && v.length < s.minLength) fail(t('form.minLength', { min: s.minLength }));
      else if (s.maxLength !== undefined && v.length > s.maxLength) fail(t('form.maxLength', { max: s.maxLength }));
      else if (s.pattern && !new RegExp(s.pattern).test(v)) fail(kind === 'media' ? t('form.pickMedia') : t('form.pattern'));
      break;
    }
    case 'object': {
      const obj = value as Record<string, unknown>;
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        const child = path ? `${path}.${k}` : k;
        const v = obj[k];
        if (
          s.required?.includes(k) &&
          (v === undefined || v === '' || (fieldKind(p) === 'media-list' && (v as unknown[]).length === 0 && (p.minItems ?? 0) > 0))
        ) {
          errors[child] ??= fieldKind(p) === 'media' || fieldKind(p) === 'media-list' ? t('form.pickMedia') : t('form.required');
        } else validate(p, v, t, child, errors);
      }
      break;
    }
    case 'list':
    case 'media-list': {
      const arr = value as unknown[];
      if (s.minItems !== undefined && arr.length < s.minItems) fail(t('form.minItems', { min: s.minItems }));
      else if (s.maxItems !== undefined && arr.length > s.maxItems) fail(t('form.maxItems', { max: s.maxItems }));
      if (kind === 'list') arr.forEach((item, i) => validate(s.items!, item, t, `${path}.${i}`, errors));
      break;
    }
  }
  return errors;
}

/** Drop empty optional values so the server sees only what the person filled in. */
export function clean(s: JsonSchema, value: unknown): unknown {
  const kind = fieldKind(s);
  if (kind === 'object') {
    const obj = (value ?? {}) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const v = clean(p, obj[k]);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (kind === 'list') return ((value ?? []) as unknown[]).map((v) => clean(s.items!, v));
  if (value === '' || value === null) return undefined;
  return value;
}

/** Immutable set of `value` at a dotted path. */
export function setAt(root: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = setAt(copy[Number(head)], rest, value);
    return copy;
  }
  const obj = (root ?? {}) as Record<string, unknown>;
  return { ...obj, [head]: setAt(obj[head], rest, value) };
}
