import type { FieldError, KioskLayout } from '@hearth/protocol';

/**
 * What the schema cannot say about a layout: every tile inside the grid, no two overlapping, at
 * most one slideshow (two would double the pictures held in the kiosk's memory). Returns a
 * field error naming the tile, or undefined when the layout is fine.
 */
export function layoutProblem(layout: KioskLayout): FieldError | undefined {
  const taken = new Map<string, number>();
  let slideshows = 0;
  for (const [i, t] of layout.tiles.entries()) {
    const name = `body.tiles.${i} (${t.type})`;
    const problem = (message: string): FieldError => ({ message, field: `tiles.${i}`, code: 'invalid' });
    if (t.x + t.w > layout.columns) return problem(`${name} reaches past column ${layout.columns}: x + w must be at most columns`);
    if (t.y + t.h > layout.rows) return problem(`${name} reaches past row ${layout.rows}: y + h must be at most rows`);
    if (t.type === 'slideshow' && ++slideshows > 1) return problem(`${name}: only one slideshow tile is allowed`);
    for (let x = t.x; x < t.x + t.w; x++) {
      for (let y = t.y; y < t.y + t.h; y++) {
        const other = taken.get(`${x},${y}`);
        if (other !== undefined) return problem(`${name} overlaps body.tiles.${other} at column ${x}, row ${y}`);
        taken.set(`${x},${y}`, i);
      }
    }
  }
  return undefined;
}
