import * as fontkit from 'fontkit';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../package-dir.js';
import { loadDejaVuSans } from './font.js';

type Face = fontkit.Font;

function face(path: string): Face {
  const font = fontkit.create(readFileSync(path));
  if (!('unitsPerEm' in font)) throw new Error(`${path} is a font collection, not a font`);
  return font;
}

interface Run {
  face: Face;
  text: string;
}

/**
 * The comic lettering: Patrick Hand (SIL Open Font License 1.1, from `@fontsource/patrick-hand`,
 * shipped in its Latin and Latin Extended halves so Polish letters are in), with DejaVu Sans for
 * any character neither half has. Measured and drawn from the same files, as glyph outlines, so
 * no system font is ever involved and what was measured is what is printed.
 */
export class Lettering {
  private readonly faces: Face[];
  /** Vertical metrics come from the lettering font for every line, whatever the fallback. */
  private readonly main: Face;

  constructor(faces: Face[]) {
    if (!faces[0]) throw new Error('a lettering needs at least one font');
    this.faces = faces;
    this.main = faces[0];
  }

  static load(): Lettering {
    const dir = join(packageDir('@fontsource/patrick-hand', '@fontsource/patrick-hand/package.json'), 'files');
    return new Lettering([
      face(join(dir, 'patrick-hand-latin-400-normal.woff')),
      face(join(dir, 'patrick-hand-latin-ext-400-normal.woff')),
      face(loadDejaVuSans().regular.path),
    ]);
  }

  measure(text: string, size: number): number {
    return this.runs(text).reduce((w, r) => w + (r.face.layout(r.text).advanceWidth * size) / r.face.unitsPerEm, 0);
  }

  ascent(size: number): number {
    return (this.main.ascent * size) / this.main.unitsPerEm;
  }

  lineHeight(size: number): number {
    const f = this.main;
    return ((f.ascent - f.descent + f.lineGap) * size) / f.unitsPerEm;
  }

  /** SVG path data of `text` with its baseline starting at (x, y); y grows downwards. */
  outline(text: string, size: number, x: number, y: number): string {
    const parts: string[] = [];
    let penX = x;
    for (const r of this.runs(text)) {
      const run = r.face.layout(r.text);
      const scale = size / r.face.unitsPerEm;
      let advance = 0;
      run.glyphs.forEach((glyph, i) => {
        const pos = run.positions[i]!;
        const d = glyph.path
          .scale(scale, -scale)
          .translate(penX + (advance + pos.xOffset) * scale, y - pos.yOffset * scale)
          .toSVG();
        if (d) parts.push(d);
        advance += pos.xAdvance;
      });
      penX += advance * scale;
    }
    return parts.join('');
  }

  /** Consecutive characters drawn by the same face: the first one that has the glyph. */
  private runs(text: string): Run[] {
    const runs: Run[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const f = this.faces.find((candidate) => candidate.hasGlyphForCodePoint(cp)) ?? this.main;
      const last = runs.at(-1);
      if (last && last.face === f) last.text += ch;
      else runs.push({ face: f, text: ch });
    }
    return runs;
  }
}
