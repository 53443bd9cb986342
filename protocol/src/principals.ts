export const USER_ROLES = ['admin', 'member', 'child'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const DEVICE_KINDS = ['kiosk', 'agent', 'home-assistant'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Who is making a request. Users come with a session cookie, devices with a bearer token. */
export type Principal =
  { kind: 'anonymous' } | { kind: 'user'; id: number; role: UserRole; name: string } | { kind: 'device'; id: number; deviceKind: DeviceKind; name: string };

/** The names the route access table uses: one per role and device kind. */
export const PRINCIPAL_NAMES = ['anonymous', ...USER_ROLES, ...DEVICE_KINDS] as const;
export type PrincipalName = (typeof PRINCIPAL_NAMES)[number];

export function principalName(p: Principal): PrincipalName {
  if (p.kind === 'anonymous') return 'anonymous';
  return p.kind === 'user' ? p.role : p.deviceKind;
}
