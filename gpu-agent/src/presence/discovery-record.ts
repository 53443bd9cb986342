import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { DiscoveryRecord } from '@hearth/protocol';
import type { Logger } from '../log.js';

/** What discovery configs this agent last published, kept in its data dir so stale ones can be cleared after a restart. */
export class DiscoveryRecordFile {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.path = join(dataDir, 'ha-discovery.json');
  }

  async read(): Promise<DiscoveryRecord | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log.warn(`cannot read ${this.path}`, { error: String(err) });
      return null;
    }
    try {
      const data: unknown = JSON.parse(text);
      if (Value.Check(DiscoveryRecord, data)) return data;
      const first = [...Value.Errors(DiscoveryRecord, data)][0];
      this.log.warn(`ignoring ${this.path}: ${first?.path} ${first?.message}`);
    } catch (err) {
      this.log.warn(`ignoring ${this.path}: not JSON`, { error: String(err) });
    }
    return null;
  }

  /** Written atomically (temp file + rename) so a crash never leaves half a record. */
  async write(record: DiscoveryRecord): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record), { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
