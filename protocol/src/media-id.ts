import { Type } from '@sinclair/typebox';

/** Media ids are content hashes (sha256, hex) assigned by the appliance. */
export const MediaId = Type.String({ pattern: '^[a-f0-9]{64}$', description: 'id of a media item in the gallery' });
