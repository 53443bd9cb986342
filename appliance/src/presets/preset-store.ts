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
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      list: db.prepare<[], PresetRow>('SELECT * FROM presets ORDER BY name'),
      get: db.prepare<[number], PresetRow>('SELECT * FROM presets WHERE id = ?'),
      insert: db.prepare('INSERT OR IGNORE INTO presets (name, type, input, created_by, created_at) VALUES (?, ?, ?, ?, ?)'),
      delete: db.prepare('DELETE FROM presets WHERE id = ?'),
    };
  }

  list(): PresetView[] {
    return this.stmts.list.all().map(toView);
  }

  get(id: number): PresetView | undefined {
    const row = this.stmts.get.get(id);
    return row && toView(row);
  }

  /** Undefined when the name is taken. */
  create(p: { name: string; type: JobType; input: unknown; createdBy: number | null }): PresetView | undefined {
    const res = this.stmts.insert.run(p.name, p.type, JSON.stringify(p.input), p.createdBy, Date.now());
    return res.changes === 1 ? this.get(Number(res.lastInsertRowid)) : undefined;
  }

  delete(id: number): boolean {
    return this.stmts.delete.run(id).changes === 1;
  }
}

function toView(r: PresetRow): PresetView {
  return { id: r.id, name: r.name, type: r.type, input: JSON.parse(r.input) as Record<string, unknown>, createdAt: r.created_at };
}
