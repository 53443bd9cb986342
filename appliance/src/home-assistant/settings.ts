import { Type, type Static } from '@sinclair/typebox';

export const EntityId = Type.String({ pattern: '^[a-z_]+\\.[a-z0-9_]+$', maxLength: 255, description: 'e.g. light.kitchen' });

export const KioskEntity = Type.Object({ entityId: EntityId, allowToggle: Type.Boolean({ default: false }) }, { additionalProperties: false });

/** settings.json `homeAssistant`: where HA is and the admin-chosen subset the kiosk may see. */
export const HomeAssistantSettings = Type.Object(
  {
    url: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+(/.*)?$', maxLength: 500 })),
    /** A long-lived access token; it never leaves the appliance. */
    token: Type.Optional(Type.String({ minLength: 20, maxLength: 1000 })),
    kioskEntities: Type.Array(KioskEntity, { maxItems: 50, default: [] }),
  },
  { additionalProperties: false },
);
export type HomeAssistantSettings = Static<typeof HomeAssistantSettings>;
export const NO_HOME_ASSISTANT: HomeAssistantSettings = { kioskEntities: [] };
