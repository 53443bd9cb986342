import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BackupError } from './errors.js';

export const MANIFEST_FILE = 'manifest.json';
export const DB_FILE = 'hearth.db';
export const SETTINGS_FILE = 'settings.json';
export const MEDIA_DIR = 'media';

/**
 * What a backup may contain: the database, the settings and media files. Every media path
 * segment starts with a letter, digit, '-' or '_', so a tampered manifest cannot name a path
 * outside the data dir (no absolute paths, no '.' or '..', no empty segments).
 */
const BackupPath = Type.String({
  pattern: '^(hearth\\.db|settings\\.json|secrets\\.enc|media(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}){1,8})$',
});

export const ManifestEntry = Type.Object(
  {
    path: BackupPath,
    size: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  },
  { additionalProperties: false },
);
export type ManifestEntry = Static<typeof ManifestEntry>;

export const Manifest = Type.Object(
  {
    format: Type.Literal('hearth-backup'),
    version: Type.Literal(1),
    createdAt: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{3})?Z$' }),
    database: Type.Object(
      { userVersion: Type.Integer({ minimum: 0 }), tables: Type.Record(Type.String({ maxLength: 128 }), Type.Integer({ minimum: 0 })) },
      { additionalProperties: false },
    ),
    files: Type.Array(ManifestEntry, { maxItems: 5_000_000 }),
    /**
     * settings.json's secrets: `encrypted` (the full file is in secrets.enc, settings.json is
     * redacted), `omitted` (no key was set: only the redacted file). Absent: an older backup
     * whose settings.json holds them in clear.
     */
    secrets: Type.Optional(Type.Union([Type.Literal('encrypted'), Type.Literal('omitted')])),
  },
  { additionalProperties: false },
);
export type Manifest = Static<typeof Manifest>;

/** Parse and validate a manifest; errors name the offending field. */
export function parseManifest(text: string, source: string): Manifest {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new BackupError(`${source}: not JSON (${(err as Error).message})`);
  }
  const first = Value.Errors(Manifest, data).First();
  if (first) throw new BackupError(`${source}: invalid field ${first.path || '/'}: ${first.message}`);
  const manifest = data as Manifest;
  const seen = new Set<string>();
  for (const f of manifest.files) {
    if (seen.has(f.path)) throw new BackupError(`${source}: duplicate file ${f.path}`);
    seen.add(f.path);
  }
  if (!seen.has(DB_FILE)) throw new BackupError(`${source}: lists no ${DB_FILE}`);
  return manifest;
}

export async function readManifest(backupDir: string): Promise<Manifest> {
  const file = join(backupDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BackupError(`${file}: cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseManifest(text, file);
}
