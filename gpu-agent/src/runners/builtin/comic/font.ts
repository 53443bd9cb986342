import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';

/**
 * A TrueType font read from a file we ship (DejaVu Sans from `dejavu-fonts-ttf`), never a system
 * font: the same file measures the text, draws it into the PNG as outlines and is embedded in
 * the PDF, so what was measured is exactly what is shown.
 */
export class TextFont {
  readonly #font: fontkit.Font;

  constructor(readonly path: string) {
    const font = fontkit.create(readFileSync(path));
    if (!('unitsPerEm' in font)) throw new Error(`${path} is a font collection, not a font`);
    this.#font = font;
  }

  get name(): string {
    return this.#font.postscriptName;
  }

  /** Advance width of `text` at `size` px, with the font's kerning. */
  measure(text: string, size: number): number {
    return (this.#font.layout(text).advanceWidth * size) / this.#font.unitsPerEm;
  }

  /** Distance from the top of a line to its baseline. */
  ascent(size: number): number {
    return (this.#font.ascent * size) / this.#font.unitsPerEm;
  }

  /** Baseline-to-baseline distance. */
  lineHeight(size: number): number {
    const f = this.#font;
    return ((f.ascent - f.descent + f.lineGap) * size) / f.unitsPerEm;
  }

  /** SVG path data drawing `text` with its baseline starting at (x, y); y grows downwards. */
  outline(text: string, size: number, x: number, y: number): string {
    const run = this.#font.layout(text);
    const scale = size / this.#font.unitsPerEm;
    const parts: string[] = [];
    let penX = 0;
    run.glyphs.forEach((glyph, i) => {
      const pos = run.positions[i]!;
      const gx = x + (penX + pos.xOffset) * scale;
      const gy = y - pos.yOffset * scale;
      // Font units grow upwards; flip into SVG's downward y.
      const d = glyph.path.scale(scale, -scale).translate(gx, gy).toSVG();
      if (d) parts.push(d);
      penX += pos.xAdvance;
    });
    return parts.join('');
  }
}

export interface ComicFonts {
  regular: TextFont;
  bold: TextFont;
}

export function loadDejaVuSans(): ComicFonts {
  const dir = join(packageDir('dejavu-fonts-ttf', 'dejavu-fonts-ttf/package.json'), 'ttf');
  return { regular: new TextFont(join(dir, 'DejaVuSans.ttf')), bold: new TextFont(join(dir, 'DejaVuSans-Bold.ttf')) };
}
