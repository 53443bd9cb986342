import { Type } from '@sinclair/typebox';

/** Media ids are 64 hex characters assigned by the appliance: the sha256 of the bytes for the first item holding them, random for another owner's copy. */
export const MediaId = Type.String({ pattern: '^[a-f0-9]{64}$', description: 'id of a media item in the gallery' });
