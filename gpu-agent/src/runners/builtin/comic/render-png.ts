import { loadSharp } from '../../load-sharp.js';
import type { ComicFonts } from './font.js';
import { bubblePath, type ComicLayout, type TextLine } from './layout.js';

const INK = '#111111';

/** The page as PNG: pictures composited by sharp, then frames, bubbles and text drawn as SVG outlines. */
export async function renderComicPng(layout: ComicLayout, fonts: ComicFonts, pictures: Buffer[]): Promise<Buffer> {
  const sharp = await loadSharp();
  const placed = await Promise.all(
    layout.panels.map(async ({ picture }, i) => ({
      input: await sharp(pictures[i]!).rotate().resize(picture.width, picture.height, { fit: 'cover' }).png().toBuffer(),
      left: picture.x,
      top: picture.y,
    })),
  );
  const overlay = Buffer.from(comicSvg(layout, fonts));
  return sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: '#ffffff' } })
    .composite([...placed, { input: overlay, left: 0, top: 0 }])
    .png()
    .toBuffer();
}

/** Text goes in as glyph outlines from our font file, so the SVG renderer needs no fonts at all. */
function comicSvg(layout: ComicLayout, fonts: ComicFonts): string {
  const text = (lines: TextLine[]) => lines.map((l) => fonts[l.font].outline(l.text, l.size, l.x, l.baseline)).join('');
  const frames = layout.panels
    .map(({ frame: f }) => `<rect x="${f.x}" y="${f.y}" width="${f.width}" height="${f.height}" fill="none" stroke="${INK}" stroke-width="3"/>`)
    .join('');
  const bubbles = layout.bubbles.map((b) => `<path d="${bubblePath(b)}" fill="#ffffff" stroke="${INK}" stroke-width="2" stroke-linejoin="round"/>`).join('');
  const ink = text([...layout.title, ...layout.bubbles.flatMap((b) => b.lines)]);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">${frames}${bubbles}<path d="${ink}" fill="${INK}"/></svg>`;
}
