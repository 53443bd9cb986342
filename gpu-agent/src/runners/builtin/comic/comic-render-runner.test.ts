import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { layoutSlots, type ComicRenderInput } from '@hearth/protocol';
import { mediaIdOf, recordingContext } from '../test-support.js';
import { ComicRenderRunner } from './comic-render-runner.js';
import { Lettering } from './lettering.js';
import { PAGE_PX } from './page-layout.js';

const runner = new ComicRenderRunner(Lettering.load());
let red: Buffer;
let halves: Buffer;

beforeAll(async () => {
  red = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#d00000' } })
    .png()
    .toBuffer();
  // Left half red, right half blue: shows which part of a picture a crop keeps.
  halves = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#0000d0' } })
    .composite([
      {
        input: await sharp({ create: { width: 400, height: 400, channels: 3, background: '#d00000' } })
          .png()
          .toBuffer(),
        left: 0,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
});

async function render(input: ComicRenderInput, pictures: Buffer[]) {
  const { ctx, uploads } = recordingContext(pictures);
  const result = await runner.run({ id: 'r1', type: 'comic.render', input }, ctx);
  return { result, uploads, file: (name: string) => uploads.find((u) => u.name === name)!.bytes };
}

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return (x: number, y: number) => {
    const i = (Math.round(y) * info.width + Math.round(x)) * info.channels;
    return [data[i]!, data[i + 1]!, data[i + 2]!] as const;
  };
}
type Rgb = readonly [number, number, number];
const isRed = ([r, g, b]: Rgb) => r > 150 && g < 60 && b < 60;
const isBlue = ([r, g, b]: Rgb) => b > 150 && r < 60 && g < 60;
const isWhite = ([r, g, b]: Rgb) => r > 240 && g > 240 && b > 240;

describe('comic.render', () => {
  it('draws a speech bubble filled white where the editor put it, its tail toward the target, on an A4 page at 300 dpi', async () => {
    const bubble = { kind: 'speech' as const, text: 'Hi!', x: 0.1, y: 0.1, w: 0.4, h: 0.3, tail: { x: 0.8, y: 0.9 } };
    const { file, result } = await render(
      { title: 'Pixels', pages: [{ layout: 'one', panels: [{ slot: 0, mediaId: mediaIdOf(red), crop: { x: 0.5, y: 0.5, zoom: 1 }, bubbles: [bubble] }] }] },
      [red],
    );
    const png = file('page-01.png');
    expect(await sharp(png).metadata()).toMatchObject({ width: PAGE_PX.width, height: PAGE_PX.height, density: 300 });
    const at = await pixels(png);
    const slot = layoutSlots('one')[0]!;
    const frame = { x: slot.x * PAGE_PX.width, y: slot.y * PAGE_PX.height, w: slot.w * PAGE_PX.width, h: slot.h * PAGE_PX.height };
    const cx = frame.x + (bubble.x + bubble.w / 2) * frame.w;
    const cy = frame.y + (bubble.y + bubble.h / 2) * frame.h;
    const rx = (bubble.w / 2) * frame.w;
    const ry = (bubble.h / 2) * frame.h;
    // White inside the oval (away from the lettering at its centre), the picture just outside it.
    for (const [dx, dy] of [
      [0, 0.6],
      [-0.6, 0],
      [0.6, 0],
      [0, -0.6],
    ] as const)
      expect(isWhite(at(cx + dx * rx, cy + dy * ry)), `inside at ${dx},${dy}`).toBe(true);
    expect(isRed(at(cx, cy - ry - 25))).toBe(true);
    expect(isRed(at(cx - rx - 25, cy))).toBe(true);
    // The tail: along the line from the bubble to the target it is drawn (white or ink), beside it the picture shows.
    const tx = frame.x + bubble.tail.x * frame.w;
    const ty = frame.y + bubble.tail.y * frame.h;
    for (const t of [0.55, 0.75, 0.9]) {
      const px = cx + (tx - cx) * t;
      const py = cy + (ty - cy) * t;
      expect(isRed(at(px, py)), `tail at ${t}`).toBe(false);
      // Perpendicular to the tail, well clear of it.
      const len = Math.hypot(tx - cx, ty - cy);
      expect(isRed(at(px + ((ty - cy) / len) * 120, py - ((tx - cx) / len) * 120)), `beside the tail at ${t}`).toBe(true);
    }
    // Nothing points the other way.
    expect(isRed(at(cx - rx * 0.5, cy + ry + 80))).toBe(true);
    expect(result.data).toMatchObject({ pages: [mediaIdOf(png)] });
  });

  it('keeps the part of the picture the crop chose', async () => {
    const panel = (x: number) => ({ slot: 0, mediaId: mediaIdOf(halves), crop: { x, y: 0.5, zoom: 2 }, bubbles: [] });
    const { file } = await render(
      {
        title: 'Crop',
        pages: [
          { layout: 'one', panels: [panel(0)] },
          { layout: 'one', panels: [panel(1)] },
        ],
      },
      [halves],
    );
    const centre = (at: (x: number, y: number) => Rgb) => at(PAGE_PX.width / 2, PAGE_PX.height / 2);
    expect(isRed(centre(await pixels(file('page-01.png'))))).toBe(true);
    expect(isBlue(centre(await pixels(file('page-02.png'))))).toBe(true);
  });

  it('makes one A4 PDF page per comic page and a CBZ of the pages, each named by content hash in the result', async () => {
    const page = {
      layout: 'six' as const,
      panels: [0, 1, 2].map((slot) => ({
        slot,
        mediaId: slot === 1 ? null : mediaIdOf(red),
        crop: { x: 0.5, y: 0.5, zoom: 1 },
        bubbles: [
          { kind: 'thought' as const, text: 'Hmm…', x: 0.1, y: 0.1, w: 0.5, h: 0.3, tail: { x: 0.2, y: 0.9 } },
          { kind: 'caption' as const, text: 'Meanwhile, in the kitchen', x: 0, y: 0.8, w: 1, h: 0.2, tail: null },
          { kind: 'shout' as const, text: 'Stop!', x: 0.5, y: 0.3, w: 0.45, h: 0.3, tail: { x: 0.9, y: 0.95 } },
        ],
      })),
    };
    const { uploads, result, file } = await render({ title: 'Three pages', pages: [page, page, { layout: 'big-top', panels: [] }] }, [red]);
    expect(result.artifacts).toEqual(['page-01.png', 'page-02.png', 'page-03.png', 'comic.pdf', 'comic.cbz']);
    expect(uploads.map((u) => u.contentType)).toEqual(['image/png', 'image/png', 'image/png', 'application/pdf', 'application/zip']);
    const pdf = file('comic.pdf').toString('latin1');
    expect(pdf.match(/\/Type \/Page\b/g)).toHaveLength(3);
    expect(pdf.match(/\/MediaBox \[0 0 595\.28 841\.89\]/g)).toHaveLength(3);
    const cbz = file('comic.cbz');
    expect(cbz.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    const names = cbz.toString('latin1');
    for (const n of ['page-01.png', 'page-02.png', 'page-03.png', 'ComicInfo.xml']) expect(names).toContain(n);
    expect(result.data).toEqual({
      pages: ['page-01.png', 'page-02.png', 'page-03.png'].map((n) => mediaIdOf(file(n))),
      pdf: mediaIdOf(file('comic.pdf')),
      cbz: mediaIdOf(file('comic.cbz')),
    });
  });
});
