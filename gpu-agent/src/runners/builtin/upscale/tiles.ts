export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `core` is the part of the output a tile owns; `window` adds the context the network sees. */
export interface Tile {
  core: Rect;
  window: Rect;
}

/**
 * Cuts an image into windows of at most `size` px. Neighbouring windows overlap by `pad` px of
 * context on each side and only each window's core is kept: with `pad` ≥ the network's receptive
 * radius, the tiled result equals a whole-image pass, so there are no seams.
 */
export function planTiles(width: number, height: number, size: number, pad: number): Tile[] {
  const step = size - 2 * pad;
  if (step < 1) throw new Error(`tile size ${size} leaves no room inside padding ${pad}`);
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const core = { x, y, width: Math.min(step, width - x), height: Math.min(step, height - y) };
      const x0 = Math.max(0, x - pad);
      const y0 = Math.max(0, y - pad);
      const x1 = Math.min(width, core.x + core.width + pad);
      const y1 = Math.min(height, core.y + core.height + pad);
      tiles.push({ core, window: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
    }
  }
  return tiles;
}
