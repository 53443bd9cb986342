import { createHash } from 'node:crypto';
import { COMIC_CBZ_ARTIFACT, COMIC_PDF_ARTIFACT, comicPageArtifact } from '@hearth/protocol';
import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import { readImageSize } from '../decode-image.js';
import type { Lettering } from './lettering.js';
import { layoutPage } from './page-layout.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * `comic.render`: a comic document drawn as it was edited — pictures cropped into the layout's
 * frames, bubbles of each kind where they were put, tails to their targets — as one PNG per
 * page (A4 at 300 dpi), a PDF and a CBZ. The result names each file by its content hash, which
 * is the id the appliance gives it.
 */
export class ComicRenderRunner implements Runner<'comic.render'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['comic.render'] as const;

  // Fonts (fontkit), sharp and pdfkit are loaded by the first comic, not when the agent starts.
  #lettering: Lettering | undefined;

  constructor(lettering?: Lettering) {
    this.#lettering = lettering;
  }

  async run(job: RunnerJob<'comic.render'>, ctx: RunContext): Promise<RunResult> {
    const input = job.input;
    const ids = [...new Set(input.pages.flatMap((p) => p.panels.flatMap((n) => (n.mediaId ? [n.mediaId] : []))))];
    const pictures = new Map<string, Buffer>();
    for (const [i, id] of ids.entries()) {
      ctx.signal.throwIfAborted();
      const { bytes } = await ctx.fetchMedia(id);
      await readImageSize(bytes);
      pictures.set(id, bytes);
      ctx.progress({ fraction: (0.3 * (i + 1)) / ids.length, stage: `picture ${i + 1}/${ids.length}` });
    }
    const lettering = (this.#lettering ??= (await import('./lettering.js')).Lettering.load());
    const [{ renderPage }, { comicCbz, comicPdf }] = await Promise.all([import('./render-page.js'), import('./comic-book.js')]);
    const pngs: Array<{ name: string; bytes: Buffer }> = [];
    const jpegs: Buffer[] = [];
    for (const [i, page] of input.pages.entries()) {
      ctx.signal.throwIfAborted();
      const rendered = await renderPage(layoutPage(page, lettering), lettering, pictures);
      pngs.push({ name: comicPageArtifact(i), bytes: rendered.png });
      jpegs.push(rendered.jpeg);
      ctx.progress({ fraction: 0.3 + (0.5 * (i + 1)) / input.pages.length, stage: `page ${i + 1}/${input.pages.length}` });
    }
    const pdf = await comicPdf(input.title, jpegs);
    const cbz = comicCbz(input.title, pngs);
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 0.9, stage: 'saving' });
    for (const p of pngs) await ctx.upload({ name: p.name, contentType: 'image/png', bytes: p.bytes });
    await ctx.upload({ name: COMIC_PDF_ARTIFACT, contentType: 'application/pdf', bytes: pdf });
    await ctx.upload({ name: COMIC_CBZ_ARTIFACT, contentType: 'application/zip', bytes: cbz });
    return {
      artifacts: [...pngs.map((p) => p.name), COMIC_PDF_ARTIFACT, COMIC_CBZ_ARTIFACT],
      data: { pages: pngs.map((p) => sha256(p.bytes)), pdf: sha256(pdf), cbz: sha256(cbz) },
    };
  }
}
