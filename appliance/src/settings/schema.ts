import { Type, type Static } from '@sinclair/typebox';

/**
 * settings.json: what admins configure, plus the appliance's own secrets.
 * Each capability owns one section; a section missing from the file takes its defaults.
 */
export const GeneralSettings = Type.Object(
  { familyName: Type.String({ minLength: 1, maxLength: 80, default: 'Our family' }) },
  { additionalProperties: false },
);

export const SecretSettings = Type.Object(
  {
    /** Signs session cookies; generated on first start, never leaves the appliance. */
    sessionSecret: Type.String({ minLength: 32 }),
  },
  { additionalProperties: false },
);

export const SettingsSchema = Type.Object(
  {
    version: Type.Literal(1),
    general: GeneralSettings,
    secrets: SecretSettings,
  },
  { additionalProperties: true },
);
export type Settings = Static<typeof SettingsSchema>;

/** Keys whose values are secret wherever they appear; stripped before settings leave the appliance. */
export const SECRET_KEYS = new Set(['secrets', 'token', 'password', 'accessToken', 'apiKey']);
