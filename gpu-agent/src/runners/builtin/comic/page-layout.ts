import { COMIC_PAGE, layoutSlots, type ComicRenderInput, type RenderBubble } from '@hearth/protocol';
import { bubbleShape, type Box, type BubbleShape } from './bubble-shapes.js';
import type { Lettering } from './lettering.js';
import { wrapText } from './wrap-text.js';

/** A4 at 300 dots per inch. */
export const PAGE_PX = { width: 2480, height: 3508 } as const;

export interface PlacedLine {
  text: string;
  x: number;
  baseline: number;
}

export interface PlacedBubble {
  kind: RenderBubble['kind'];
  shape: BubbleShape;
  size: number;
  lines: PlacedLine[];
}

export interface PlacedPanel {
  frame: Box;
  mediaId: string | null;
  crop: ComicRenderInput['pages'][number]['panels'][number]['crop'];
  bubbles: PlacedBubble[];
}

export interface PageLayout {
  width: number;
  height: number;
  border: number;
  panels: PlacedPanel[];
}

/** Lettering sizes in px at 300 dpi: about 16 pt down to 6 pt. */
const MAX_TEXT = 66;
const MIN_TEXT = 24;

/** Panels in their layout's slots, bubbles where the editor put them (panel-relative → pixels), text sized to fit. */
export function layoutPage(page: ComicRenderInput['pages'][number], lettering: Lettering): PageLayout {
  const { width, height } = PAGE_PX;
  const slots = layoutSlots(page.layout);
  const panels = page.panels.flatMap((panel): PlacedPanel[] => {
    const slot = slots[panel.slot];
    if (!slot) return [];
    const frame = { x: Math.round(slot.x * width), y: Math.round(slot.y * height), width: Math.round(slot.w * width), height: Math.round(slot.h * height) };
    const bubbles = panel.bubbles.map((b) => placeBubble(b, frame, lettering));
    return [{ frame, mediaId: panel.mediaId, crop: panel.crop, bubbles }];
  });
  return { width, height, border: Math.max(2, Math.round(COMIC_PAGE.border * width)), panels };
}

function placeBubble(b: RenderBubble, frame: Box, lettering: Lettering): PlacedBubble {
  const box = { x: frame.x + b.x * frame.width, y: frame.y + b.y * frame.height, width: b.w * frame.width, height: b.h * frame.height };
  const target = b.tail ? { x: frame.x + b.tail.x * frame.width, y: frame.y + b.tail.y * frame.height } : null;
  const shape = bubbleShape(b.kind, box, target);
  const text = b.kind === 'shout' ? b.text.toLocaleUpperCase() : b.text;
  const { size, lines } = fitText(text, shape.textBox, lettering);
  const lineHeight = lettering.lineHeight(size);
  const top = shape.textBox.y + (shape.textBox.height - lines.length * lineHeight) / 2;
  return {
    kind: b.kind,
    shape,
    size,
    lines: lines.map((line, i) => ({
      text: line,
      x: shape.textBox.x + (shape.textBox.width - lettering.measure(line, size)) / 2,
      baseline: top + i * lineHeight + lettering.ascent(size),
    })),
  };
}

/** The largest size at which the wrapped text fits the box (the smallest when nothing does). */
export function fitText(text: string, box: Box, lettering: Lettering): { size: number; lines: string[] } {
  for (let size = MAX_TEXT; size >= MIN_TEXT; size -= 2) {
    const lines = wrapText(lettering, text, size, box.width);
    if (lines.length * lettering.lineHeight(size) <= box.height && lines.every((l) => lettering.measure(l, size) <= box.width)) return { size, lines };
  }
  return { size: MIN_TEXT, lines: wrapText(lettering, text, MIN_TEXT, box.width) };
}
