import { Type, type Static } from '@sinclair/typebox';

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

/**
 * Every error answer of the appliance's HTTP API. `field` is the dotted path of the refused
 * value inside the body (`port`, `tiles.2`, `input.scale`); for the query string or path it is
 * prefixed (`querystring.limit`, `params.id`). `params` carries the limit a range or length broke
 * (`{ limit: 4 }`) or the allowed values (`{ allowed: '2, 4' }`).
 */
export const ErrorView = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.String(),
  field: Type.Optional(Type.String()),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});
export type ErrorView = Static<typeof ErrorView>;

/** A refused field, as the single producer (`appliance/src/http/field-errors.ts`) describes it. */
export interface FieldError {
  message: string;
  field: string;
  code: FieldErrorCode;
  params?: Record<string, string | number>;
}
