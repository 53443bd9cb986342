import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import {
  COMIC_LIMITS,
  COMIC_PAGE,
  cropWindow,
  layoutSlots,
  type ComicBubble,
  type ComicPage,
  type ComicPanel,
  type FractionRect,
  type PictureCrop,
} from '@hearth/protocol';
import type { StudioText } from './strings.js';

export interface Selection {
  panel: string | null;
  bubble: string | null;
}

export interface CanvasActions {
  select(sel: Selection): void;
  /** Change the page's panel (one undo step, or a step of the running gesture). */
  panel(id: string, change: (p: ComicPanel) => void): void;
  /** Typing in a bubble is one undo step. */
  beginGesture(): void;
  endGesture(): void;
}

/** The nominal page in pixels (A4 at 300 dpi), the frame the renderer uses for crops. */
const PAGE = { width: 2480, height: Math.round(2480 * COMIC_PAGE.aspect) };
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round = (v: number) => Math.round(v * 10_000) / 10_000;

/** The page as the editor shows it: panels in their slots, pictures cropped as they will print, bubbles on top. */
export function PageCanvas(props: {
  page: ComicPage;
  selection: Selection;
  sizes: Map<string, { w: number; h: number }>;
  onSize(id: string, w: number, h: number): void;
  actions: CanvasActions;
  text: StudioText;
}) {
  const slots = layoutSlots(props.page.layout);
  return (
    <div class="comic-page" data-layout={props.page.layout}>
      {props.page.panels.map((panel) => {
        const slot = slots[panel.slot];
        return slot ? <Panel key={panel.id} panel={panel} slot={slot} {...props} /> : null;
      })}
    </div>
  );
}

type DragKind = 'move' | 'resize' | 'tail' | 'pan';

function Panel(props: {
  panel: ComicPanel;
  slot: FractionRect;
  selection: Selection;
  sizes: Map<string, { w: number; h: number }>;
  onSize(id: string, w: number, h: number): void;
  actions: CanvasActions;
  text: StudioText;
}) {
  const { panel, slot, selection, actions, text } = props;
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ kind: DragKind; bubble: string | null; x: number; y: number; start: ComicPanel; now: ComicPanel | null } | null>(null);
  const selected = selection.panel === panel.id;
  const size = panel.mediaId ? props.sizes.get(panel.mediaId) : undefined;
  const frame = { width: slot.w * PAGE.width, height: slot.h * PAGE.height };

  const start = (e: PointerEvent, kind: DragKind, bubble: string | null) => {
    if (e.button !== 0) return;
    e.stopPropagation();
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    drag.current = { kind, bubble, x: e.clientX, y: e.clientY, start: structuredClone(panel), now: null };
    actions.select({ panel: panel.id, bubble });
  };
  // While dragging, only the dragged element's style changes (no re-render per move); the document
  // takes the result once, at the end, as one undo step.
  const move = (e: PointerEvent) => {
    const d = drag.current;
    const box = ref.current?.getBoundingClientRect();
    if (!d || !box) return;
    if (!d.now && Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) < 3) return;
    const dx = (e.clientX - d.x) / box.width;
    const dy = (e.clientY - d.y) / box.height;
    const p = structuredClone(d.start);
    if (d.kind === 'pan') {
      if (!size) return;
      const shown = cropWindow({ width: size.w, height: size.h }, frame, d.start.crop);
      p.crop.x = round(clamp(d.start.crop.x - (dx * frame.width) / shown.width, 0, 1));
      p.crop.y = round(clamp(d.start.crop.y - (dy * frame.height) / shown.height, 0, 1));
      const img = ref.current?.querySelector<HTMLElement>('.panel-picture img');
      if (img) Object.assign(img.style, pictureStyle(size, frame, p.crop));
    } else {
      const b = p.bubbles.find((x) => x.id === d.bubble);
      const b0 = d.start.bubbles.find((x) => x.id === d.bubble);
      if (!b || !b0) return;
      if (d.kind === 'move') {
        b.x = round(clamp(b0.x + dx, 0, 1 - b0.w));
        b.y = round(clamp(b0.y + dy, 0, 1 - b0.h));
      } else if (d.kind === 'resize') {
        b.w = round(clamp(b0.w + dx, COMIC_LIMITS.minBubble, 1 - b0.x));
        b.h = round(clamp(b0.h + dy, COMIC_LIMITS.minBubble, 1 - b0.y));
      } else if (b0.tail) {
        b.tail = { x: round(clamp(b0.tail.x + dx, 0, 1)), y: round(clamp(b0.tail.y + dy, 0, 1)) };
      }
      const root = ref.current!;
      const el = root.querySelector<HTMLElement>(`[data-bubble="${b.id}"]`);
      if (el) Object.assign(el.style, { left: pct(b.x), top: pct(b.y), width: pct(b.w), height: pct(b.h) });
      if (b.tail) {
        root.querySelector(`[data-tail="${b.id}"]`)?.setAttribute('points', tailPoints(b));
        const handle = root.querySelector<HTMLElement>('[data-handle="tail"]');
        if (handle) Object.assign(handle.style, { left: pct(b.tail.x), top: pct(b.tail.y) });
      }
    }
    d.now = p;
  };
  const end = () => {
    const d = drag.current;
    drag.current = null;
    if (!d?.now) return;
    const result = d.now;
    actions.panel(panel.id, (p) => {
      p.crop = result.crop;
      p.bubbles = result.bubbles;
    });
  };

  const panKeys = (e: KeyboardEvent) => {
    const step = e.shiftKey ? 0.1 : 0.02;
    const delta = arrow(e.key);
    if (!delta) return;
    e.preventDefault();
    actions.panel(panel.id, (p) => {
      p.crop.x = round(clamp(p.crop.x + delta[0] * step, 0, 1));
      p.crop.y = round(clamp(p.crop.y + delta[1] * step, 0, 1));
    });
  };

  const label = text('panelOf', { n: panel.slot + 1, what: panel.mediaId ? text('withPicture') : text('emptyPanel') });
  return (
    <div
      ref={ref}
      class={`comic-panel${selected ? ' selected' : ''}`}
      style={{ left: pct(slot.x), top: pct(slot.y), width: pct(slot.w), height: pct(slot.h) }}
      onPointerMove={move}
      onPointerUp={end}
      onPointerCancel={end}
      data-panel={panel.id}
    >
      <button type="button" class="panel-select" aria-label={label} aria-pressed={selected} onClick={() => actions.select({ panel: panel.id, bubble: null })} />
      {panel.mediaId && (
        <div
          class="panel-picture"
          role="img"
          aria-label={text('picture', { n: panel.slot + 1 })}
          tabIndex={selected ? 0 : -1}
          onPointerDown={(e) => start(e, 'pan', null)}
          onKeyDown={panKeys}
        >
          <img
            src={`/api/media/${panel.mediaId}/thumbnail?size=1024`}
            alt=""
            draggable={false}
            style={pictureStyle(size, frame, panel.crop)}
            onLoad={(e) => props.onSize(panel.mediaId!, e.currentTarget.naturalWidth, e.currentTarget.naturalHeight)}
          />
        </div>
      )}
      <svg class="panel-tails" viewBox="0 0 100 100" preserveAspectRatio="none" aria-hidden="true">
        {panel.bubbles.map((b) =>
          b.tail && b.kind !== 'caption' ? <polygon key={b.id} data-tail={b.id} points={tailPoints(b)} class={`tail tail-${b.kind}`} /> : null,
        )}
      </svg>
      {panel.bubbles.map((b) => (
        <Bubble key={b.id} bubble={b} panel={panel} selected={selection.bubble === b.id} start={start} actions={actions} text={text} />
      ))}
    </div>
  );
}

function Bubble({
  bubble: b,
  panel,
  selected,
  start,
  actions,
  text,
}: {
  bubble: ComicBubble;
  panel: ComicPanel;
  selected: boolean;
  start(e: PointerEvent, kind: DragKind, bubble: string): void;
  actions: CanvasActions;
  text: StudioText;
}) {
  const [editing, setEditingState] = useState(false);
  // Typing is one undo step: the whole edit is a gesture.
  const setEditing = (on: boolean) => {
    if (on === editing) return;
    if (on) actions.beginGesture();
    else actions.endGesture();
    setEditingState(on);
  };
  const textRef = useRef<HTMLSpanElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const change = (fn: (x: ComicBubble) => void) =>
    actions.panel(panel.id, (p) => {
      const x = p.bubbles.find((y) => y.id === b.id);
      if (x) fn(x);
    });

  // Lettering sized to fit, as the renderer does: the largest size at which the text fits the bubble.
  useLayoutEffect(() => {
    const el = textRef.current;
    const box = body.current;
    if (!el || !box) return;
    let size = Math.max(9, Math.min(28, box.clientHeight / 2.2));
    el.style.fontSize = `${size}px`;
    while (size > 8 && (el.scrollHeight > box.clientHeight * 0.8 || el.scrollWidth > box.clientWidth * 0.85)) {
      size -= 1;
      el.style.fontSize = `${size}px`;
    }
  }, [b.text, b.w, b.h, b.kind, editing]);

  const keys = (e: KeyboardEvent) => {
    if (editing || e.target !== e.currentTarget) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      setEditing(true);
      return;
    }
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      actions.panel(panel.id, (p) => {
        p.bubbles = p.bubbles.filter((x) => x.id !== b.id);
      });
      actions.select({ panel: panel.id, bubble: null });
      return;
    }
    const d = arrow(e.key);
    if (!d) return;
    e.preventDefault();
    const step = e.shiftKey ? 0.05 : 0.01;
    change((x) => {
      x.x = round(clamp(x.x + d[0] * step, 0, 1 - x.w));
      x.y = round(clamp(x.y + d[1] * step, 0, 1 - x.h));
    });
  };
  const handleKeys = (kind: 'resize' | 'tail') => (e: KeyboardEvent) => {
    const d = arrow(e.key);
    if (!d) return;
    e.preventDefault();
    e.stopPropagation();
    const step = e.shiftKey ? 0.05 : 0.01;
    change((x) => {
      if (kind === 'resize') {
        x.w = round(clamp(x.w + d[0] * step, COMIC_LIMITS.minBubble, 1 - x.x));
        x.h = round(clamp(x.h + d[1] * step, COMIC_LIMITS.minBubble, 1 - x.y));
      } else if (x.tail) {
        x.tail = { x: round(clamp(x.tail.x + d[0] * step, 0, 1)), y: round(clamp(x.tail.y + d[1] * step, 0, 1)) };
      }
    });
  };

  return (
    <>
      <div
        ref={body}
        class={`bubble bubble-${b.kind}${selected ? ' selected' : ''}`}
        style={{ left: pct(b.x), top: pct(b.y), width: pct(b.w), height: pct(b.h) }}
        tabIndex={0}
        role="group"
        aria-label={text('bubble', { kind: text(`kind.${b.kind}`), text: b.text })}
        aria-describedby="bubble-help"
        data-bubble={b.id}
        onPointerDown={(e) => {
          if (!editing) start(e, 'move', b.id);
        }}
        onDblClick={() => setEditing(true)}
        onFocus={() => actions.select({ panel: panel.id, bubble: b.id })}
        onKeyDown={keys}
      >
        {editing ? (
          <textarea
            class="bubble-edit"
            aria-label={text('editText')}
            maxLength={COMIC_LIMITS.bubbleText}
            value={b.text}
            ref={(el) => el?.focus()}
            onInput={(e) =>
              change((x) => {
                x.text = e.currentTarget.value;
                x.byHand = true;
              })
            }
            onBlur={() => setEditing(false)}
            onKeyDown={(e) => {
              if (e.key === 'Escape' || (e.key === 'Enter' && !e.shiftKey)) {
                e.preventDefault();
                setEditing(false);
                body.current?.focus();
              }
            }}
          />
        ) : (
          <span ref={textRef} class="bubble-text">
            {b.text}
          </span>
        )}
        {selected && !editing && (
          <span
            class="bubble-resize"
            role="button"
            tabIndex={0}
            aria-label={text('resize')}
            data-handle="resize"
            onPointerDown={(e) => start(e, 'resize', b.id)}
            onKeyDown={handleKeys('resize')}
          />
        )}
      </div>
      {selected && b.tail && b.kind !== 'caption' && (
        <span
          class="tail-handle"
          role="button"
          tabIndex={0}
          aria-label={text('tail')}
          data-handle="tail"
          style={{ left: pct(b.tail.x), top: pct(b.tail.y) }}
          onPointerDown={(e) => start(e, 'tail', b.id)}
          onKeyDown={handleKeys('tail')}
        />
      )}
    </>
  );
}

const pct = (v: number) => `${(v * 100).toFixed(3)}%`;

function arrow(key: string): [number, number] | null {
  return ({ ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] } as Record<string, [number, number]>)[key] ?? null;
}

/** The picture placed as the renderer will crop it, in shares of the frame. */
function pictureStyle(size: { w: number; h: number } | undefined, frame: { width: number; height: number }, crop: PictureCrop) {
  if (!size) return { width: '100%', height: '100%', objectFit: 'cover' as const };
  const w = cropWindow({ width: size.w, height: size.h }, frame, crop);
  return { left: pct(-w.left / frame.width), top: pct(-w.top / frame.height), width: pct(w.width / frame.width), height: pct(w.height / frame.height) };
}

/** A narrow wedge from inside the bubble to its target, in the panel's 0–100 box. */
function tailPoints(b: ComicBubble): string {
  const cx = (b.x + b.w / 2) * 100;
  const cy = (b.y + b.h / 2) * 100;
  const tx = b.tail!.x * 100;
  const ty = b.tail!.y * 100;
  const len = Math.hypot(tx - cx, ty - cy) || 1;
  const half = Math.min(b.w, b.h) * 100 * 0.12;
  const nx = (-(ty - cy) / len) * half;
  const ny = ((tx - cx) / len) * half;
  return `${cx + nx},${cy + ny} ${tx},${ty} ${cx - nx},${cy - ny}`;
}
