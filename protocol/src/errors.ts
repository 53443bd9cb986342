import { Type, type Static } from '@sinclair/typebox';

export * from './error-codes.js';

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
