/**
 * Comic render: seconds for a 6-panel A4 page at 300 dpi as PNG + PDF (+ the CBZ the job also
 * makes), through the real `comic.render` runner. Anchor, measured in the same run: sharp alone
 * compositing the same six pictures onto a blank A4 page and encoding it as PNG — the least any
 * renderer of this page must do. Target: ≤ 2 s per page on this box.
 *
 *   node --import tsx bench/comic-render/run.ts [rounds]
 */
import { cpus } from 'node:os';
import sharp from 'sharp';
import { layoutSlots, type ComicRenderInput } from '@hearth/protocol';
import { ComicRenderRunner } from '../../gpu-agent/src/runners/builtin/comic/comic-render-runner.js';
import { Lettering } from '../../gpu-agent/src/runners/builtin/comic/lettering.js';
import { PAGE_PX } from '../../gpu-agent/src/runners/builtin/comic/page-layout.js';
import { mediaIdOf, recordingContext, testPhoto } from '../../gpu-agent/src/runners/builtin/test-support.js';

const rounds = Number(process.argv[2] ?? 5);
const photos = await Promise.all([0, 60, 120, 180, 240, 300].map((hue) => testPhoto(1600, 1200, hue)));
const kinds = ['speech', 'thought', 'caption', 'shout', 'speech', 'speech'] as const;
const input: ComicRenderInput = {
  title: 'Bench',
  pages: [
    {
      layout: 'six',
      panels: photos.map((p, slot) => ({
        slot,
        mediaId: mediaIdOf(p),
        crop: { x: 0.4, y: 0.5, zoom: 1.2 },
        bubbles: [
          {
            kind: kinds[slot]!,
            text: 'Where did my other sock go? I looked everywhere, even under the cat.',
            x: 0.05,
            y: 0.05,
            w: 0.55,
            h: 0.35,
            tail: kinds[slot] === 'caption' ? null : { x: 0.3, y: 0.85 },
          },
          { kind: 'speech', text: 'Not me!', x: 0.6, y: 0.5, w: 0.35, h: 0.25, tail: { x: 0.8, y: 0.95 } },
        ],
      })),
    },
  ],
};
const runner = new ComicRenderRunner(Lettering.load());

async function renderOnce(): Promise<number> {
  const { ctx } = recordingContext(photos);
  const t = performance.now();
  await runner.run({ id: 'bench', type: 'comic.render', input }, ctx);
  return (performance.now() - t) / 1000;
}

async function anchorOnce(): Promise<number> {
  const t = performance.now();
  const slots = layoutSlots('six');
  const layers = await Promise.all(
    photos.map(async (p, i) => {
      const s = slots[i]!;
      const width = Math.round(s.w * PAGE_PX.width);
      const height = Math.round(s.h * PAGE_PX.height);
      return {
        input: await sharp(p).resize(width, height, { fit: 'cover' }).toBuffer(),
        left: Math.round(s.x * PAGE_PX.width),
        top: Math.round(s.y * PAGE_PX.height),
      };
    }),
  );
  await sharp({ create: { ...PAGE_PX, channels: 3, background: '#ffffff' } })
    .composite(layers)
    .png()
    .toBuffer();
  return (performance.now() - t) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
await renderOnce(); // warm: font files, sharp's thread pool
await anchorOnce();
const render: number[] = [];
const anchor: number[] = [];
for (let i = 0; i < rounds; i++) {
  render.push(await renderOnce());
  anchor.push(await anchorOnce());
}
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}`);
console.log(
  `6-panel A4 page, PNG + PDF + CBZ: median ${median(render).toFixed(2)} s (min ${Math.min(...render).toFixed(2)}, max ${Math.max(...render).toFixed(2)}) over ${rounds} rounds`,
);
console.log(`anchor (sharp: six pictures onto a blank A4 page, PNG): median ${median(anchor).toFixed(2)} s`);
console.log(`ratio render / anchor: ${(median(render) / median(anchor)).toFixed(2)}; target ≤ 2 s: ${median(render) <= 2 ? 'met' : 'NOT met'}`);
