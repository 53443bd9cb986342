import { Type } from '@sinclair/typebox';
import { SafeName, USER_ROLES } from '@hearth/protocol';

export const Username = Type.String({ pattern: '^[A-Za-z0-9._-]{3,32}$', description: '3–32 letters, digits, dots, dashes or underscores' });
export const DisplayName = SafeName({ maxLength: 60 });
export const Password = Type.String({ minLength: 10, maxLength: 256, description: 'at least 10 characters' });
/** Only to check a password someone already has; policy applies when one is set. */
export const AnyPassword = Type.String({ minLength: 1, maxLength: 256 });
export const Role = Type.Union(USER_ROLES.map((r) => Type.Literal(r)));
export const LinkToken = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'the code from the link' });

export const strict = { additionalProperties: false } as const;

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, strict);
