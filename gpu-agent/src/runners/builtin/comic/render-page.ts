import sharp from 'sharp';
import { cropWindow } from '@hearth/protocol';
import type { Lettering } from './lettering.js';
import type { PageLayout, PlacedPanel } from './page-layout.js';

const INK = '#141414';
const EMPTY_PANEL = '#eeeeee';
const BUBBLE_FILL = '#ffffff';
const CAPTION_FILL = '#fff4c4';

export interface RenderedPage {
  png: Buffer;
  /** The same pixels as JPEG, for the PDF. */
  jpeg: Buffer;
}

/** One page: pictures cropped into their frames by sharp, then frames, bubbles and lettering as one SVG layer. */
export async function renderPage(layout: PageLayout, lettering: Lettering, pictures: ReadonlyMap<string, Buffer>): Promise<RenderedPage> {
  const placed = await Promise.all(layout.panels.filter((p) => p.mediaId && pictures.has(p.mediaId)).map((p) => framedPicture(p, pictures.get(p.mediaId!)!)));
  const overlay = Buffer.from(pageSvg(layout, lettering, new Set(placed.map((p) => p.panel))));
  const { data, info } = await sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: '#ffffff' } })
    .composite([...placed.map((p) => p.layer), { input: overlay, left: 0, top: 0 }])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } } as const;
  // Print pages are mostly photos: a light PNG compression level costs a little size and saves most of the time.
  const [png, jpeg] = await Promise.all([
    sharp(data, raw).png({ compressionLevel: 3, adaptiveFiltering: false }).withMetadata({ density: 300 }).toBuffer(),
    sharp(data, raw).jpeg({ quality: 90, chromaSubsampling: '4:4:4' }).toBuffer(),
  ]);
  return { png, jpeg };
}

async function framedPicture(panel: PlacedPanel, bytes: Buffer) {
  const { frame } = panel;
  // autoOrient: a phone's portrait photo is stored landscape with an EXIF rotation.
  const size = (await sharp(bytes).metadata()).autoOrient;
  const w = cropWindow(size, frame, panel.crop);
  const width = Math.max(frame.width, Math.ceil(w.width));
  const height = Math.max(frame.height, Math.ceil(w.height));
  const input = await sharp(bytes)
    .rotate()
    .resize(width, height, { fit: 'fill' })
    .extract({
      left: Math.min(Math.round(w.left), width - frame.width),
      top: Math.min(Math.round(w.top), height - frame.height),
      width: frame.width,
      height: frame.height,
    })
    .toBuffer();
  return { panel, layer: { input, left: frame.x, top: frame.y } };
}

function pageSvg(layout: PageLayout, lettering: Lettering, withPicture: ReadonlySet<PlacedPanel>): string {
  const line = Math.max(3, Math.round(layout.border * 0.8));
  const parts: string[] = [];
  for (const p of layout.panels) {
    const { x, y, width, height } = p.frame;
    if (!withPicture.has(p)) parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="${EMPTY_PANEL}"/>`);
  }
  for (const p of layout.panels) {
    const { x, y, width, height } = p.frame;
    parts.push(`<rect x="${x}" y="${y}" width="${width}" height="${height}" fill="none" stroke="${INK}" stroke-width="${layout.border}"/>`);
  }
  for (const p of layout.panels) {
    for (const b of p.bubbles) {
      const fill = b.kind === 'caption' ? CAPTION_FILL : BUBBLE_FILL;
      const outline = [b.shape.body, b.shape.tail].filter(Boolean).join('');
      // Stroke both shapes at twice the width, then fill them: the fill hides the seam where the tail meets the body.
      parts.push(`<path d="${outline}" fill="none" stroke="${INK}" stroke-width="${line * 2}" stroke-linejoin="round"/>`);
      // Filled one by one: as one path, the overlap of body and tail would cancel out (winding).
      for (const d of [b.shape.body, b.shape.tail]) if (d) parts.push(`<path d="${d}" fill="${fill}"/>`);
      const ink = b.lines.map((l) => lettering.outline(l.text, b.size, l.x, l.baseline)).join('');
      if (ink) parts.push(`<path d="${ink}" fill="${INK}"/>`);
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">${parts.join('')}</svg>`;
}
