import { Type, type Static } from '@sinclair/typebox';

/** `GET /api/admin/hub-ca`: the root certificate of the hub's HTTPS (Caddy's internal CA), if there is one. */
export const HubCaInfo = Type.Object(
  {
    /** False in development or before Caddy first started: nothing to download. */
    available: Type.Boolean(),
    /** HEARTH_CA_CERT, so the admin sees where the appliance looked. */
    path: Type.Union([Type.String(), Type.Null()]),
    /** SHA-256 of the certificate, colon-separated hex: compare it on the phone before trusting. */
    fingerprintSha256: Type.Union([Type.String(), Type.Null()]),
    subject: Type.Union([Type.String(), Type.Null()]),
    /** Epoch milliseconds. */
    validTo: Type.Union([Type.Integer(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type HubCaInfo = Static<typeof HubCaInfo>;
