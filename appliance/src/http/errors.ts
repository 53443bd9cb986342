/** An error with an HTTP status and a message a person can act on; Fastify answers with both. */
export class HttpError extends Error {
  /** `code`: a stable id the portal translates (the message stays English, for logs and scripts). */
  constructor(readonly statusCode: number, message: string, readonly headers: Record<string, string> = {}, readonly code?: string) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const forbidden = (message = 'You are not allowed to do this') => new HttpError(403, message);
export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const conflict = (message: string) => new HttpError(409, message);
