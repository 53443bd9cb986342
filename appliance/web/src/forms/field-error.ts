import type { FieldErrorCode } from '@hearth/protocol/plain';
import type { ApiError } from '../api.js';
import type { MessageKey } from '../i18n/en.js';
import type { Translate } from '../i18n/i18n.js';

/** How each refusal code reads in the person's language (the same words the form's own checks use). */
const MESSAGES: Partial<Record<FieldErrorCode, { key: MessageKey; param?: 'min' | 'max' }>> = {
  required: { key: 'form.required' },
  'one-of': { key: 'form.choose' },
  type: { key: 'form.type' },
  'too-small': { key: 'form.min', param: 'min' },
  'too-large': { key: 'form.max', param: 'max' },
  'too-short': { key: 'form.minLength', param: 'min' },
  'too-long': { key: 'form.maxLength', param: 'max' },
  'too-few': { key: 'form.minItems', param: 'min' },
  'too-many': { key: 'form.maxItems', param: 'max' },
  pattern: { key: 'form.pattern' },
  format: { key: 'form.pattern' },
  'unknown-field': { key: 'form.unknownField' },
};

/** The appliance's refusal of a field, in the person's language; its English message where no code says more. */
export function fieldErrorText(err: ApiError, t: Translate): string {
  const view = err.view;
  const m = view && MESSAGES[view.code as FieldErrorCode];
  if (!m) return err.message;
  const limit = view.params?.limit;
  if (m.param && limit === undefined) return err.message;
  return m.param ? t(m.key, { [m.param]: limit! }) : t(m.key);
}

/** The field an error is about, relative to `prefix` (e.g. `input` for a job's input form), or null. */
export function fieldOf(err: unknown, prefix = ''): string | null {
  const field = (err as Partial<ApiError> | null)?.field;
  if (!field) return null;
  if (!prefix) return field;
  return field.startsWith(`${prefix}.`) ? field.slice(prefix.length + 1) : null;
}
