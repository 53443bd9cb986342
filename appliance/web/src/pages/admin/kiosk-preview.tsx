import { useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n/i18n.js';
import type { KioskLayout, KioskTile } from '../../types.js';

interface Drag {
  index: number;
  mode: 'move' | 'resize';
  startX: number;
  startY: number;
  from: KioskTile;
  before: KioskLayout;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/**
 * The wall at scale: drag a tile to move it, drag its corner to resize it; it snaps to the grid
 * and is saved when let go (open walls redraw at once). The tile list below does the same from
 * the keyboard, so this picture is hidden from screen readers.
 */
export function LayoutPreview({
  layout,
  onChange,
  onDrop,
}: {
  layout: KioskLayout;
  onChange(next: KioskLayout): void;
  onDrop(next: KioskLayout, before: KioskLayout): void;
}) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);
  const latest = useRef(layout);
  latest.current = layout;

  const start = (e: PointerEvent, index: number, mode: Drag['mode']) => {
    e.preventDefault();
    e.stopPropagation();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    setDrag({ index, mode, startX: e.clientX, startY: e.clientY, from: layout.tiles[index]!, before: layout });
  };
  const move = (e: PointerEvent) => {
    const el = box.current;
    if (!drag || !el) return;
    const rect = el.getBoundingClientRect();
    const dx = Math.round((e.clientX - drag.startX) / (rect.width / layout.columns));
    const dy = Math.round((e.clientY - drag.startY) / (rect.height / layout.rows));
    const f = drag.from;
    const tile =
      drag.mode === 'move'
        ? { ...f, x: clamp(f.x + dx, 0, layout.columns - f.w), y: clamp(f.y + dy, 0, layout.rows - f.h) }
        : { ...f, w: clamp(f.w + dx, 1, layout.columns - f.x), h: clamp(f.h + dy, 1, layout.rows - f.y) };
    const old = layout.tiles[drag.index]!;
    if (tile.x !== old.x || tile.y !== old.y || tile.w !== old.w || tile.h !== old.h) {
      onChange({ ...layout, tiles: layout.tiles.map((x, i) => (i === drag.index ? tile : x)) });
    }
  };
  const end = () => {
    if (!drag) return;
    setDrag(null);
    const f = drag.from;
    const now = latest.current.tiles[drag.index]!;
    if (now.x !== f.x || now.y !== f.y || now.w !== f.w || now.h !== f.h) onDrop(latest.current, drag.before);
  };
  const pct = (n: number, of: number) => `${(n / of) * 100}%`;
  return (
    <div class="kiosk-preview" ref={box} aria-hidden="true" onPointerMove={move} onPointerUp={end} onPointerCancel={end}>
      {layout.tiles.map((tile, i) => (
        <div
          key={i}
          class={`preview-tile${drag?.index === i ? ' dragging' : ''}`}
          data-tile-index={i}
          style={{ left: pct(tile.x, layout.columns), top: pct(tile.y, layout.rows), width: pct(tile.w, layout.columns), height: pct(tile.h, layout.rows) }}
          onPointerDown={(e) => start(e, i, 'move')}
        >
          <span>{t(`kiosk.tile.${tile.type}`)}</span>
          <div class="preview-resize" onPointerDown={(e) => start(e, i, 'resize')} />
        </div>
      ))}
    </div>
  );
}
