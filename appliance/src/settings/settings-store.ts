import { randomBytes } from 'node:crypto';
import { open, readFile, rename, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { SECRET_KEYS, SettingsSchema, type Settings } from './schema.js';

/**
 * settings.json, read once and written atomically (temp file with mode 0600, fsync, rename) so a
 * crash mid-write never leaves a half file and other users on the box can't read the secrets.
 * Updates are serialized; a failed validation changes nothing.
 */
export class SettingsStore {
  private data!: Settings;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(section: string) => void>();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<SettingsStore> {
    const store = new SettingsStore(file);
    await store.load();
    return store;
  }

  get(): Readonly<Settings> {
    return this.data;
  }

  /** A section of a capability's own; returns defaults when absent. */
  section<T>(name: string, fallback: T): T {
    const value = (this.data as Record<string, unknown>)[name];
    return (value ?? fallback) as T;
  }

  /** Apply `change` to a copy, validate, write, then swap in. */
  update(change: (draft: Settings) => void): Promise<Settings> {
    const run = async () => {
      const draft = structuredClone(this.data);
      change(draft);
      this.check(draft);
      await this.write(draft);
      const before = this.data;
      this.data = draft;
      for (const section of changedSections(before, draft)) for (const l of this.listeners) l(section);
      return draft;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Called with each top-level section an update changed, after it is on disk (the app turns these into `settings.changed`). */
  onChange(listener: (section: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Settings with every secret removed, for admins' eyes and the audit log. */
  redacted(): Record<string, unknown> {
    return redact(this.data) as Record<string, unknown>;
  }

  private async load(): Promise<void> {
    let raw: string | undefined;
    try {
      raw = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (raw === undefined) {
      const fresh: Settings = {
        version: 1,
        general: { familyName: 'Our family' },
        secrets: { sessionSecret: randomBytes(32).toString('base64url') },
      };
      await this.write(fresh);
      this.data = fresh;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${this.file} is not valid JSON (${(err as Error).message}); fix or restore it from a backup`, { cause: err });
    }
    const data = Value.Default(SettingsSchema, parsed) as Settings;
    this.check(data);
    this.data = data;
  }

  private check(data: unknown): asserts data is Settings {
    if (!Value.Check(SettingsSchema, data)) {
      const first = [...Value.Errors(SettingsSchema, data)][0];
      throw new Error(`settings${first?.path.replaceAll('/', '.') ?? ''}: ${first?.message ?? 'invalid'}`);
    }
  }

  private async write(data: Settings): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.file);
  }
}

function changedSections(before: Settings, after: Settings): string[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEYS.has(k)) out[`${k}Set`] = v !== undefined && v !== null && v !== '';
      else out[k] = redact(v);
    }
    return out;
  }
  return value;
}
