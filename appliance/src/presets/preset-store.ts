import type { JobType, PresetView } from '@hearth/protocol';
import type { Db } from '../db/database.js';

interface PresetRow {
  id: number;
  name: string;
  type: JobType;
  input: string;
  created_by: number | null;
  created_at: number;
}

/** Admin-defined job presets (a button in Home Assistant or the portal runs one). */
export class PresetStore {
  constructor(private readonly db: Db) {}

  list(): PresetView[] {
    return (this.db.prepare('SELECT * FROM presets ORDER BY name').all() as PresetRow[]).map(toView);
  }

  get(id: number): PresetView | undefined {
    const row = this.db.prepare('SELECT * FROM presets WHERE id = ?').get(id) as PresetRow | undefined;
    return row && toView(row);
  }

  /** Undefined when the name is taken. */
  create(p: { name: string; type: JobType; input: unknown; createdBy: number | null }): PresetView | undefined {
    const res = this.db
      .prepare('INSERT OR IGNORE INTO presets (name, type, input, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(p.name, p.type, JSON.stringify(p.input), p.createdBy, Date.now());
    return res.changes === 1 ? this.get(Number(res.lastInsertRowid)) : undefined;
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM presets WHERE id = ?').run(id).changes === 1;
  }
}

function toView(r: PresetRow): PresetView {
  return { id: r.id, name: r.name, type: r.type, input: JSON.parse(r.input) as Record<string, unknown>, createdAt: r.created_at };
}
