import type { RunContext, Runner, RunnerJob, RunResult } from '../../runner.js';
import { readImageSize } from '../decode-image.js';
import type { ComicFonts } from './font.js';
import { layoutComic } from './layout.js';

/**
 * `comic.compose`: panel pictures and their dialogue laid out on one page, PNG and optionally PDF.
 * The fonts (fontkit) and the renderers (sharp, pdfkit) are loaded by the first comic, not at start.
 */
export class ComicRunner implements Runner<'comic.compose'> {
  readonly capability = 'builtin';
  readonly jobTypes = ['comic.compose'] as const;

  #fonts: Promise<ComicFonts> | undefined;

  constructor(fonts?: ComicFonts) {
    if (fonts) this.#fonts = Promise.resolve(fonts);
  }

  async run(job: RunnerJob<'comic.compose'>, ctx: RunContext): Promise<RunResult> {
    const input = job.input;
    const pictures: Buffer[] = [];
    for (const [i, panel] of input.panels.entries()) {
      ctx.signal.throwIfAborted();
      const { bytes } = await ctx.fetchMedia(panel.mediaId);
      await readImageSize(bytes);
      pictures.push(bytes);
      ctx.progress({ fraction: (0.5 * (i + 1)) / input.panels.length, stage: `panel ${i + 1}/${input.panels.length}` });
    }
    const fonts = await (this.#fonts ??= import('./font.js').then((m) => m.loadDejaVuSans()));
    const layout = layoutComic(fonts, input);
    ctx.progress({ fraction: 0.6, stage: 'drawing' });
    const { renderComicPng } = await import('./render-png.js');
    const png = await renderComicPng(layout, fonts, pictures);
    const pdf = input.pdf ? await (await import('./render-pdf.js')).renderComicPdf(layout, fonts, pictures, input.title) : undefined;
    ctx.signal.throwIfAborted();
    ctx.progress({ fraction: 0.9, stage: 'saving' });
    await ctx.upload({ name: 'comic.png', contentType: 'image/png', bytes: png });
    const artifacts = ['comic.png'];
    if (pdf) {
      await ctx.upload({ name: 'comic.pdf', contentType: 'application/pdf', bytes: pdf });
      artifacts.push('comic.pdf');
    }
    return { artifacts, data: { width: layout.width, height: layout.height, textSize: layout.textSize } };
  }
}
