import { Type, type Static } from '@sinclair/typebox';
import { PUSH_KINDS } from './plain.js';

/**
 * Web Push: a browser's subscription (RFC 8030 endpoint, RFC 8291 keys) as the portal sends it,
 * what the appliance lists back, and the message its service worker shows.
 */

const Base64Url = (min: number, max: number, description: string) =>
  Type.String({ minLength: min, maxLength: max, pattern: '^[A-Za-z0-9_-]+={0,2}$', description });

export const PushKindName = Type.Union(PUSH_KINDS.map((k) => Type.Literal(k)));
export const PushLang = Type.Union([Type.Literal('en'), Type.Literal('pl')]);

export const PushSubscribeBody = Type.Object(
  {
    /** The push service's URL for this browser; https only. */
    endpoint: Type.String({ minLength: 12, maxLength: 1024, description: "an https URL given by the browser's push service" }),
    keys: Type.Object(
      {
        /** The browser's P-256 public key, uncompressed (65 bytes). */
        p256dh: Base64Url(86, 88, 'a P-256 public key, base64url'),
        /** The 16-byte authentication secret. */
        auth: Base64Url(22, 24, 'a 16-byte secret, base64url'),
      },
      { additionalProperties: false },
    ),
    /** The language notifications on this device are written in (the portal's). */
    lang: PushLang,
    /** What this device is told about; absent on a new device: everything. */
    kinds: Type.Optional(Type.Array(PushKindName, { maxItems: PUSH_KINDS.length, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type PushSubscribeBody = Static<typeof PushSubscribeBody>;

export const PushSubscriptionView = Type.Object(
  {
    id: Type.Integer(),
    endpoint: Type.String(),
    /** The push service's host, to tell devices apart (fcm.googleapis.com, web.push.apple.com…). */
    service: Type.String(),
    lang: PushLang,
    kinds: Type.Array(PushKindName),
    createdAt: Type.Number(),
    lastSentAt: Type.Union([Type.Number(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type PushSubscriptionView = Static<typeof PushSubscriptionView>;

/** Whether Home Assistant's "notify when a job finishes" blueprint is in use (the other route). */
export const HA_NOTIFY_STATES = ['on', 'off', 'unknown', 'not-connected'] as const;

export const PushStatusView = Type.Object(
  {
    /** The VAPID public key (base64url) a browser subscribes with. */
    publicKey: Type.String(),
    subscriptions: Type.Array(PushSubscriptionView),
    homeAssistantNotify: Type.Union(HA_NOTIFY_STATES.map((s) => Type.Literal(s))),
  },
  { additionalProperties: false },
);
export type PushStatusView = Static<typeof PushStatusView>;

/** The JSON the service worker receives (decrypted by the browser) and shows. */
export interface PushMessage {
  kind: (typeof PUSH_KINDS)[number];
  title: string;
  body: string;
  /** A path on the portal the notification opens. */
  url: string;
  /** Notifications with the same tag replace each other (one per job or pipeline). */
  tag: string;
}
