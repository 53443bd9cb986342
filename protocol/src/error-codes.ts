/**
 * Why a field was refused, in words a program can act on: the portal turns these into the
 * person's language and shows them beside the field; `message` is the English fallback.
 */
export const FIELD_ERROR_CODES = [
  'required',
  'unknown-field',
  'type',
  'too-small',
  'too-large',
  'too-short',
  'too-long',
  'too-few',
  'too-many',
  'pattern',
  'format',
  'one-of',
  'invalid',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** Errors that are not about one field: named by their HTTP status. */
export const STATUS_ERROR_CODES = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  410: 'gone',
  412: 'precondition-failed',
  413: 'too-large-body',
  415: 'unsupported-type',
  428: 'precondition-required',
  429: 'rate-limited',
  500: 'internal',
  503: 'unavailable',
  507: 'insufficient-storage',
} as const;
export type StatusErrorCode = (typeof STATUS_ERROR_CODES)[keyof typeof STATUS_ERROR_CODES] | 'error';
export type ErrorCode = FieldErrorCode | StatusErrorCode;

export const statusErrorCode = (status: number): StatusErrorCode => (STATUS_ERROR_CODES as Record<number, StatusErrorCode>)[status] ?? 'error';

/** A refused field, as the single producer (`appliance/src/http/field-errors.ts`) describes it. */
export interface FieldError {
  message: string;
  field: string;
  code: FieldErrorCode;
  params?: Record<string, string | number>;
}
