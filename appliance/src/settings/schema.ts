import { Type, type Static } from '@sinclair/typebox';
import { BackendsEdit, KioskControl, KioskLayout, SafeName } from '@hearth/protocol';
import { HomeAssistantSettings } from '../home-assistant/settings.js';
import { MqttDeviceSettings } from '../mqtt-device/device-settings.js';
import { EmbeddedMqttSettings } from '../embedded/broker-port.js';

/**
 * settings.json: what admins configure, plus the appliance's own secrets.
 * Each capability owns one section; a section missing from the file takes its defaults.
 */
export const GeneralSettings = Type.Object({ familyName: SafeName({ maxLength: 80, default: 'Our family' }) }, { additionalProperties: false });

export const SecretSettings = Type.Object(
  {
    /** Signs session cookies; generated on first start, never leaves the appliance. */
    sessionSecret: Type.String({ minLength: 32 }),
    /** Web Push's VAPID key pair (base64url), made on the first start of the push capability. */
    vapid: Type.Optional(
      Type.Object(
        { publicKey: Type.String({ minLength: 80, maxLength: 100 }), privateKey: Type.String({ minLength: 40, maxLength: 50 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const DailyQuota = Type.Union([Type.Integer({ minimum: 0, maximum: 100_000 }), Type.Null()], { description: 'jobs per day; null = unlimited' });

/** Jobs: how many jobs each role may submit per day (system and device jobs are not counted). */
export const JobSettings = Type.Object(
  {
    quotas: Type.Object({ admin: DailyQuota, member: DailyQuota, child: DailyQuota }, { additionalProperties: false }),
    /** Accept jobs no known computer has ever offered to run; they wait, saying why. Off: refused at submit. */
    queueWithoutComputer: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type JobSettings = Static<typeof JobSettings>;
export const DEFAULT_JOB_SETTINGS: JobSettings = { quotas: { admin: null, member: 50, child: 10 } };

/** Wake-on-LAN: where magic packets go, plus MACs to wake that no agent has announced (yet). */
export const WakeOnLanSettings = Type.Object(
  {
    broadcastAddress: Type.String({ minLength: 1, maxLength: 253, default: '255.255.255.255' }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 9 }),
    extraTargets: Type.Array(Type.String({ pattern: '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' }), { maxItems: 16, default: [] }),
  },
  { additionalProperties: false },
);
export type WakeOnLanSettings = Static<typeof WakeOnLanSettings>;
export const DEFAULT_WAKE_ON_LAN: WakeOnLanSettings = { broadcastAddress: '255.255.255.255', port: 9, extraTargets: [] };

/** The wall display: the layout admins edit, and the last control state Home Assistant set (kept across restarts). */
export const KioskSettings = Type.Object({ layout: Type.Optional(KioskLayout), control: Type.Optional(KioskControl) }, { additionalProperties: false });
export type KioskSettings = Static<typeof KioskSettings>;

export const SettingsSchema = Type.Object(
  {
    version: Type.Literal(1),
    general: GeneralSettings,
    secrets: SecretSettings,
    jobs: Type.Optional(JobSettings),
    wakeOnLan: Type.Optional(WakeOnLanSettings),
    homeAssistant: Type.Optional(HomeAssistantSettings),
    kiosk: Type.Optional(KioskSettings),
    mqttDevice: Type.Optional(MqttDeviceSettings),
    embeddedMqtt: Type.Optional(EmbeddedMqttSettings),
    /** ComfyUI/LLM settings saved from Admin → Computers, by agent id; pushed to each agent when it is online. */
    agentBackends: Type.Optional(Type.Record(Type.String({ maxLength: 48 }), BackendsEdit)),
  },
  { additionalProperties: true },
);
export type Settings = Static<typeof SettingsSchema>;

/** Keys whose values are secret wherever they appear; stripped before settings leave the appliance. */
export const SECRET_KEYS = new Set(['secrets', 'token', 'password', 'accessToken', 'apiKey']);
