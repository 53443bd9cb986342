import PDFDocument from 'pdfkit';
import { loadSharp } from '../../load-sharp.js';
import type { ComicFonts } from './font.js';
import { bubblePath, type ComicLayout } from './layout.js';

const INK = '#111111';

/**
 * The same page as a PDF, 1 px = 1 pt. Text is real, selectable text in the embedded (subset)
 * DejaVu font, placed on the baselines the layout measured.
 */
export async function renderComicPdf(layout: ComicLayout, fonts: ComicFonts, pictures: Buffer[], title?: string): Promise<Buffer> {
  const sharp = await loadSharp();
  const cropped = await Promise.all(
    layout.panels.map(({ picture }, i) =>
      sharp(pictures[i]!).rotate().resize(picture.width, picture.height, { fit: 'cover' }).jpeg({ quality: 88 }).toBuffer(),
    ),
  );
  // `font` up front keeps PDFKit from loading and embedding its default Helvetica.
  const doc = new PDFDocument({ size: [layout.width, layout.height], margin: 0, font: fonts.regular.path, info: { Title: title ?? 'Comic' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular.path);
  doc.registerFont('bold', fonts.bold.path);

  layout.panels.forEach(({ picture, frame }, i) => {
    doc.image(cropped[i]!, picture.x, picture.y, { width: picture.width, height: picture.height });
    doc.rect(frame.x, frame.y, frame.width, frame.height).lineWidth(3).stroke(INK);
  });
  for (const b of layout.bubbles) doc.path(bubblePath(b)).lineWidth(2).lineJoin('round').fillAndStroke('#ffffff', INK);
  doc.fillColor(INK);
  for (const line of [...layout.title, ...layout.bubbles.flatMap((b) => b.lines)]) {
    // PDFKit places text by the top of the line: baseline minus the font's ascent.
    const top = line.baseline - fonts[line.font].ascent(line.size);
    doc.font(line.font).fontSize(line.size).text(line.text, line.x, top, { lineBreak: false });
  }
  doc.end();
  await done;
  return Buffer.concat(chunks);
}
