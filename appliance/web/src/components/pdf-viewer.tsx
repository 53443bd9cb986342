import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';

type PdfDoc = { numPages: number; getPage(n: number): Promise<PdfPage>; destroy(): Promise<void> };
type PdfPage = {
  getViewport(o: { scale: number }): { width: number; height: number };
  render(o: { canvas: HTMLCanvasElement; canvasContext: CanvasRenderingContext2D; viewport: { width: number; height: number } }): { promise: Promise<void> };
};

/** pdf.js, loaded only when someone opens a PDF (it is large); its worker comes from the portal itself. */
async function openPdf(url: string): Promise<PdfDoc> {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  return (await pdfjs.getDocument({ url, isEvalSupported: false }).promise) as unknown as PdfDoc;
}

/** A PDF shown in the page, one page at a time (phones have no built-in PDF viewer in a page). */
export function PdfViewer({ url, title }: { url: string; title: string }) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [doc, setDoc] = useState<PdfDoc | null>(null);
  const [page, setPage] = useState(1);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    let opened: PdfDoc | null = null;
    void openPdf(url).then(
      (d) => {
        opened = d;
        if (live) setDoc(d);
        else void d.destroy();
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
      if (opened) void opened.destroy();
    };
  }, [url]);
  useEffect(() => {
    const el = canvas.current;
    if (!doc || !el) return;
    let live = true;
    void doc
      .getPage(page)
      .then(async (p) => {
        const base = p.getViewport({ scale: 1 });
        const scale = Math.min(2, ((el.parentElement?.clientWidth ?? 600) * devicePixelRatio) / base.width);
        const viewport = p.getViewport({ scale });
        if (!live) return;
        el.width = viewport.width;
        el.height = viewport.height;
        await p.render({ canvas: el, canvasContext: el.getContext('2d')!, viewport }).promise;
        if (live) el.dataset.rendered = String(page);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [doc, page]);
  if (failed) return <p class="muted">{t('result.pdfFailed')}</p>;
  return (
    <div class="pdf-viewer stack">
      <canvas ref={canvas} role="img" aria-label={t('result.pdfPage', { title, n: page, total: doc?.numPages ?? 1 })} />
      {doc && doc.numPages > 1 && (
        <div class="row">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            {t('result.prevPage')}
          </button>
          <span>{t('result.pageOf', { n: page, total: doc.numPages })}</span>
          <button type="button" disabled={page >= doc.numPages} onClick={() => setPage(page + 1)}>
            {t('result.nextPage')}
          </button>
        </div>
      )}
    </div>
  );
}
