import type { FieldError } from '@hearth/protocol';

/** An error with an HTTP status and a message a person can act on; Fastify answers with both (see `ErrorView`). */
export class HttpError extends Error {
  /** `code`: a stable id of a domain error the portal translates (else the field's or the status's code). */
  constructor(
    readonly statusCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly fieldError?: FieldError,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** 400 naming the refused field: `fieldError` comes from `field-errors.ts` or names the field by hand. */
export const invalidField = (fieldError: FieldError) => new HttpError(400, fieldError.message, {}, fieldError);
export const badRequest = (message: string) => new HttpError(400, message);
export const forbidden = (message = 'You are not allowed to do this') => new HttpError(403, message);
export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const conflict = (message: string) => new HttpError(409, message);
