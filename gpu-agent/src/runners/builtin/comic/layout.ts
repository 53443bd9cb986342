import type { ComicFonts, TextFont } from './font.js';
import { wrapText } from './wrap-text.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TextLine {
  text: string;
  font: keyof ComicFonts;
  size: number;
  /** Left end of the baseline. */
  x: number;
  baseline: number;
  /** Measured advance width. */
  width: number;
}

export interface Bubble extends Rect {
  panel: number;
  /** Where text may go: inside the padding. */
  inner: Rect;
  /** Tip of the tail, below the bubble, pointing at the picture. */
  tail: { x: number; y: number };
  lines: TextLine[];
}

export interface PanelBox {
  /** The whole framed panel: bubble band on top, picture below. */
  frame: Rect;
  picture: Rect;
}

export interface ComicLayout {
  width: number;
  height: number;
  title: TextLine[];
  panels: PanelBox[];
  bubbles: Bubble[];
  /** Size of the dialogue text, the same on the whole page. */
  textSize: number;
}

export interface ComicScript {
  title?: string;
  panels: { lines: { speaker: string; text: string }[] }[];
}

const PAGE_WIDTH = 1200;
const MARGIN = 32;
const GUTTER = 24;
const TITLE_SIZE = 44;
/** Dialogue sizes tried largest first; the smallest is used even if the band must grow. */
const TEXT_SIZES = [22, 20, 18, 16, 14];
/** Above this share of the picture's height, bubble bands look crowded: try a smaller size. */
const BAND_SHARE = 0.75;
const BAND_INSET = 10;
const BUBBLE_GAP = 16;
const TAIL = 12;

/**
 * Places title, panels and speech bubbles on one page. Bubbles live in a band above each
 * picture, as wide as their longest measured line and as tall as their lines: text is never
 * clipped; when dialogue is long the text gets smaller, then the band taller.
 */
export function layoutComic(fonts: ComicFonts, script: ComicScript): ComicLayout {
  const count = script.panels.length;
  const columns = count === 1 ? 1 : count <= 4 ? 2 : 3;
  const cellWidth = Math.floor((PAGE_WIDTH - 2 * MARGIN - (columns - 1) * GUTTER) / columns);
  const pictureHeight = Math.round((cellWidth * 3) / 4);

  let y = MARGIN;
  const title: TextLine[] = [];
  if (script.title?.trim()) {
    for (const text of wrapText(fonts.bold, script.title, TITLE_SIZE, PAGE_WIDTH - 2 * MARGIN)) {
      const width = fonts.bold.measure(text, TITLE_SIZE);
      title.push({ text, font: 'bold', size: TITLE_SIZE, x: (PAGE_WIDTH - width) / 2, baseline: y + fonts.bold.ascent(TITLE_SIZE), width });
      y += fonts.bold.lineHeight(TITLE_SIZE);
    }
    y = Math.ceil(y) + GUTTER;
  }

  const textSize =
    TEXT_SIZES.find((size) => script.panels.every((p) => stackBubbles(fonts, p.lines, size, cellWidth, 0, 0, 0).height <= pictureHeight * BAND_SHARE)) ??
    TEXT_SIZES.at(-1)!;

  const panels: PanelBox[] = [];
  const bubbles: Bubble[] = [];
  for (let rowStart = 0; rowStart < count; rowStart += columns) {
    const row = script.panels.slice(rowStart, rowStart + columns);
    const stacks = row.map((p, i) => stackBubbles(fonts, p.lines, textSize, cellWidth, MARGIN + i * (cellWidth + GUTTER), y, rowStart + i));
    const band = Math.ceil(Math.max(...stacks.map((s) => s.height)));
    stacks.forEach((stack, i) => {
      const x = MARGIN + i * (cellWidth + GUTTER);
      panels.push({
        frame: { x, y, width: cellWidth, height: band + pictureHeight },
        picture: { x, y: y + band, width: cellWidth, height: pictureHeight },
      });
      bubbles.push(...stack.bubbles);
    });
    y += band + pictureHeight + GUTTER;
  }
  return { width: PAGE_WIDTH, height: y - GUTTER + MARGIN, title, panels, bubbles, textSize };
}

/** Bubbles of one panel, stacked top-down, alternating left and right so speakers read apart. */
function stackBubbles(
  fonts: ComicFonts,
  lines: ComicScript['panels'][number]['lines'],
  size: number,
  cellWidth: number,
  left: number,
  top: number,
  panel: number,
): { bubbles: Bubble[]; height: number } {
  const pad = Math.round(size * 0.6);
  const labelSize = Math.round(size * 0.8);
  const maxInner = Math.floor(cellWidth * 0.85) - 2 * pad;
  const bubbles: Bubble[] = [];
  let y = top + (lines.length ? BAND_INSET : 0);
  lines.forEach((line, i) => {
    const block = [
      ...wrapText(fonts.bold, line.speaker, labelSize, maxInner).map((text) => ({ text, font: 'bold' as const, size: labelSize })),
      ...wrapText(fonts.regular, line.text, size, maxInner).map((text) => ({ text, font: 'regular' as const, size })),
    ].map((l) => ({ ...l, width: fonts[l.font].measure(l.text, l.size) }));
    // A floor on the width keeps the tail and the rounded corners apart on bubbles like "Hi!".
    const innerWidth = Math.ceil(Math.max(2 * size, ...block.map((l) => l.width)));
    const width = innerWidth + 2 * pad;
    const x = i % 2 === 0 ? left + BAND_INSET : left + cellWidth - BAND_INSET - width;
    let baselineTop = y + pad;
    const placed: TextLine[] = block.map((l) => {
      const font: TextFont = fonts[l.font];
      const placedLine = { ...l, x: x + pad, baseline: baselineTop + font.ascent(l.size) };
      baselineTop += font.lineHeight(l.size);
      return placedLine;
    });
    const height = Math.ceil(baselineTop - y + pad);
    const tailX = i % 2 === 0 ? x + Math.min(40, width / 3) : x + width - Math.min(40, width / 3);
    bubbles.push({
      panel,
      x,
      y,
      width,
      height,
      inner: { x: x + pad, y: y + pad, width: innerWidth, height: height - 2 * pad },
      tail: { x: tailX, y: y + height + TAIL },
      lines: placed,
    });
    y += height + BUBBLE_GAP;
  });
  return { bubbles, height: lines.length ? y - top - BUBBLE_GAP + TAIL + BAND_INSET : 0 };
}

/** Outline of a bubble with its tail, as SVG path data (PDFKit draws the same string). */
export function bubblePath(b: Bubble): string {
  const r = Math.min(14, b.height / 2, b.width / 2);
  const { x, y, width: w, height: h } = b;
  const base = b.tail.x < x + w / 2 ? b.tail.x : b.tail.x - 14;
  return [
    `M${x + r},${y}`,
    `H${x + w - r}`,
    `Q${x + w},${y} ${x + w},${y + r}`,
    `V${y + h - r}`,
    `Q${x + w},${y + h} ${x + w - r},${y + h}`,
    `H${base + 14}`,
    `L${b.tail.x},${b.tail.y}`,
    `L${base},${y + h}`,
    `H${x + r}`,
    `Q${x},${y + h} ${x},${y + h - r}`,
    `V${y + r}`,
    `Q${x},${y} ${x + r},${y}`,
    'Z',
  ].join(' ');
}
