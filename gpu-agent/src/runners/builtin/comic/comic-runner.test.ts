import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunnerJob } from '../../runner.js';
import { mediaIdOf, recordingContext, testPhoto } from '../test-support.js';
import { ComicRunner } from './comic-runner.js';
import { loadDejaVuSans } from './font.js';
import { layoutComic, type ComicLayout, type ComicScript } from './layout.js';

const fonts = loadDejaVuSans();
const runner = new ComicRunner(fonts);
let pictures: Buffer[];

beforeAll(async () => {
  pictures = await Promise.all([0, 70, 140].map((hue) => testPhoto(96, 72, hue)));
});

const dialogue: ComicScript['panels'] = [
  {
    lines: [
      { speaker: 'Mia', text: 'Look at the sun! It is enormous today.' },
      { speaker: 'Grandpa', text: 'That is because we are looking through a big pair of magic glasses, my dear.' },
    ],
  },
  { lines: [{ speaker: 'Dog', text: 'Woof! Supercalifragilisticexpialidociouswoofwoofwoofwoofwoofwoofwoof is my favourite word.' }] },
  { lines: [] },
];

const job = (input: RunnerJob<'comic.compose'>['input']): RunnerJob<'comic.compose'> => ({ id: 'c1', type: 'comic.compose', input });
const squash = (s: string) => s.replace(/\s+/g, '');

/** Every line's measured width fits its bubble, every line sits inside it, nothing is dropped. */
function expectTextFits(layout: ComicLayout, script: ComicScript) {
  for (const b of layout.bubbles) {
    const frame = layout.panels[b.panel]!;
    expect(b.x).toBeGreaterThanOrEqual(frame.frame.x);
    expect(b.x + b.width).toBeLessThanOrEqual(frame.frame.x + frame.frame.width);
    expect(b.tail.y).toBeLessThanOrEqual(frame.picture.y);
    for (const line of b.lines) {
      const font = fonts[line.font];
      const width = font.measure(line.text, line.size);
      expect(width).toBe(line.width);
      expect(line.x).toBeGreaterThanOrEqual(b.inner.x);
      expect(line.x + width).toBeLessThanOrEqual(b.inner.x + b.inner.width);
      expect(line.baseline - font.ascent(line.size)).toBeGreaterThanOrEqual(b.inner.y - 0.01);
      expect(line.baseline - font.ascent(line.size) + font.lineHeight(line.size)).toBeLessThanOrEqual(b.y + b.height);
    }
  }
  for (const [i, panel] of script.panels.entries()) {
    const bubbles = layout.bubbles.filter((b) => b.panel === i);
    expect(bubbles).toHaveLength(panel.lines.length);
    panel.lines.forEach((line, j) => {
      const said = bubbles[j]!.lines.filter((l) => l.font === 'regular').map((l) => l.text);
      expect(squash(said.join(' '))).toBe(squash(line.text));
    });
    for (let j = 1; j < bubbles.length; j++) expect(bubbles[j]!.y).toBeGreaterThanOrEqual(bubbles[j - 1]!.tail.y);
  }
  for (const line of layout.title) expect(line.x + line.width).toBeLessThanOrEqual(layout.width);
}

describe('comic.compose', () => {
  it('lays out a PNG page and a PDF with the DejaVu font embedded', async () => {
    const input = {
      title: 'The Great Garden Adventure',
      panels: dialogue.map((p, i) => ({ mediaId: mediaIdOf(pictures[i]!), lines: p.lines })),
      pdf: true,
    };
    const { ctx, uploads, progress } = recordingContext(pictures);
    const result = await runner.run(job(input), ctx);

    expect(result.artifacts).toEqual(['comic.png', 'comic.pdf']);
    const layout = layoutComic(fonts, input);
    expect(result.data).toEqual({ width: 1200, height: layout.height, textSize: layout.textSize });
    const png = uploads.find((u) => u.name === 'comic.png')!;
    expect(png.contentType).toBe('image/png');
    expect(await sharp(png.bytes).metadata()).toMatchObject({ format: 'png', width: 1200, height: layout.height });

    const pdf = uploads.find((u) => u.name === 'comic.pdf')!;
    const text = pdf.bytes.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
    expect(text.match(/\/FontFile2 /g)).toHaveLength(2);
    expect(text).not.toContain('Helvetica');
    expect(text.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
    expect(progress.map((p) => p.stage)).toEqual(['panel 1/3', 'panel 2/3', 'panel 3/3', 'drawing', 'saving']);
  });

  it('fits every line inside its bubble', () => {
    const script = { title: 'The Great Garden Adventure', panels: dialogue };
    const layout = layoutComic(fonts, script);
    expect(layout.textSize).toBe(22);
    expectTextFits(layout, script);
  });

  it('shrinks the text, then grows the bubbles, for the longest dialogue the schema allows', () => {
    const words = 'the quick brown fox jumps over a lazy dog while everybody laughs loudly'.split(' ');
    const text = Array.from({ length: 60 }, (_, i) => words[i % words.length])
      .join(' ')
      .slice(0, 300);
    const script = {
      title: 'A very long title that goes on and on about a day in the garden with grandpa, mia and the dog, and lunch',
      panels: Array.from({ length: 12 }, () => ({ lines: Array.from({ length: 8 }, (_, i) => ({ speaker: `Speaker ${i}`, text })) })),
    };
    const layout = layoutComic(fonts, script);
    expect(layout.textSize).toBe(14);
    expect(layout.title.length).toBeGreaterThan(1);
    expect(layout.bubbles).toHaveLength(96);
    expectTextFits(layout, script);
    for (const p of layout.panels) expect(p.picture.y - p.frame.y).toBeGreaterThan(p.picture.height);
  });

  it('draws the text inside the bubbles: ink where the lines are, blank paper beyond them', async () => {
    const input = { panels: dialogue.slice(0, 2).map((p, i) => ({ mediaId: mediaIdOf(pictures[i]!), lines: p.lines })), pdf: false };
    const { ctx, uploads } = recordingContext(pictures);
    expect((await runner.run(job(input), ctx)).artifacts).toEqual(['comic.png']);
    const { data, info } = await sharp(uploads[0]!.bytes).greyscale().raw().toBuffer({ resolveWithObject: true });
    const darkIn = (x0: number, y0: number, x1: number, y1: number) => {
      let dark = 0;
      for (let y = Math.ceil(y0); y < Math.floor(y1); y++) for (let x = Math.ceil(x0); x < Math.floor(x1); x++) if (data[y * info.width + x]! < 128) dark++;
      return dark;
    };
    const layout = layoutComic(fonts, input);
    expect(layout.bubbles).toHaveLength(3);
    for (const b of layout.bubbles) {
      const textRight = Math.max(...b.lines.map((l) => l.x + l.width));
      expect(darkIn(b.inner.x, b.inner.y, textRight, b.inner.y + b.inner.height)).toBeGreaterThan(50);
      // Between the end of the text and the bubble's border (its rounded corners left out): paper only.
      const corner = 14;
      expect(darkIn(textRight + 2, b.y + corner, b.x + b.width - 3, b.y + b.height - corner)).toBe(0);
      expect(darkIn(b.x + corner, b.inner.y + b.inner.height + 2, b.x + b.width - corner, b.y + b.height - 3)).toBe(0);
    }
  });
});
