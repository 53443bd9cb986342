import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent } from '../live/use-live.js';
import type { Job, Media, Moderation } from '../types.js';
import { useResource } from '../use-resource.js';
import { BeforeAfter } from './before-after.js';
import { ErrorNotice } from './notice.js';
import { PdfViewer } from './pdf-viewer.js';

interface ResultItem {
  item: Media;
  pages: number | null;
}

const MODERATION_SENTENCE: Record<Moderation, MessageKey> = {
  safe: 'moderation.sentence.safe',
  unsafe: 'moderation.sentence.unsafe',
  pending: 'moderation.sentence.pending',
};

/** Who may see it, as a sentence a parent reads at a glance. */
export function ModerationSentence({ moderation }: { moderation: Moderation }) {
  const { t } = useI18n();
  return (
    <p class={`moderation-sentence moderation-${moderation}`} data-moderation={moderation}>
      {t(MODERATION_SENTENCE[moderation])}
    </p>
  );
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** A finished job's result in human terms: pictures, a before/after slider, animations, a PDF, a video, a script. */
export function JobResult({ job, admin }: { job: Job; admin: boolean }) {
  const { t } = useI18n();
  const media = useResource<{ media: ResultItem[] }>(job.result ? `/api/jobs/${encodeURIComponent(job.id)}/media` : null);
  useLiveEvent('media', (m) => media.set((d) => ({ media: d.media.map((r) => (r.item.id === m.id ? { ...r, item: { ...r.item, ...m } } : r)) })));
  const input = job.input;
  const data = job.result?.data;
  return (
    <section class="stack" aria-labelledby="result-h">
      <h2 id="result-h">{t('job.result')}</h2>
      <ErrorNotice error={media.error} />
      {job.type === 'image.moderate' && <ModerationResult mediaId={str(input.mediaId)} verdict={str((data as { verdict?: unknown } | undefined)?.verdict)} />}
      {job.type === 'text.dialogue' && <Script data={data} />}
      <ul class="plain stack results">
        {media.data?.media.map(({ item, pages }) => (
          <li key={item.id} class="result-item stack">
            <MediaShow job={job} item={item} pages={pages} />
            <ModerationSentence moderation={item.moderation} />
            <p>
              <a href={`/api/media/${item.id}?download=1`} download class="small">
                {t('gallery.download')}
              </a>
            </p>
          </li>
        ))}
      </ul>
      {admin && (job.result?.data !== undefined || Object.keys(job.input).length > 0) && (
        <details class="details small">
          <summary>{t('job.details')}</summary>
          <pre class="result-data">{JSON.stringify({ type: job.type, input: job.input, result: job.result }, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}

function MediaShow({ job, item, pages }: { job: Job; item: Media; pages: number | null }) {
  const { t, tn } = useI18n();
  const full = `/api/media/${item.id}`;
  const title = job.title;
  const before = str(job.input.mediaId);
  if (item.contentType === 'application/pdf') {
    return (
      <div class="stack">
        <p class="row pdf-head">
          <svg class="file-icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 2h8l6 6v14H6z" fill="none" stroke="currentColor" stroke-width="1.6" />
            <path d="M14 2v6h6" fill="none" stroke="currentColor" stroke-width="1.6" />
            <text x="8" y="18" font-size="6" fill="currentColor">
              PDF
            </text>
          </svg>
          <span>
            {t('result.pdf')}
            {pages !== null ? ` · ${tn('result.pages', pages)}` : ''}
          </span>
        </p>
        <PdfViewer url={full} title={title} />
      </div>
    );
  }
  if (item.contentType.startsWith('video/')) return <video src={full} controls playsInline preload="metadata" class="result-video" aria-label={title} />;
  if (item.contentType.startsWith('audio/')) return <audio src={full} controls preload="metadata" aria-label={title} />;
  if (!item.contentType.startsWith('image/')) return <p>{t('result.file', { type: item.contentType })}</p>;
  // GIFs and animated WebPs play only from the file itself (thumbnails are still).
  const animated = item.contentType === 'image/gif' || job.type === 'gif.create' || job.type === 'video.generate';
  if (animated) return <img src={full} alt={t('result.animation', { title })} class="result-image" data-animated="yes" />;
  if (before && (job.type === 'image.upscale' || job.type === 'image.stylize')) {
    return <BeforeAfter before={`/api/media/${before}`} after={`/api/media/${item.id}/thumbnail?size=1920`} width={item.width} height={item.height} />;
  }
  return (
    <a href={full} target="_blank" rel="noopener">
      <img src={`/api/media/${item.id}/thumbnail?size=1024`} alt={t('result.picture', { title })} class="result-image" />
    </a>
  );
}

function ModerationResult({ mediaId, verdict }: { mediaId: string | undefined; verdict: string | undefined }) {
  const { t } = useI18n();
  return (
    <div class="stack">
      {mediaId && <img src={`/api/media/${mediaId}/thumbnail?size=256`} alt={t('result.checkedPicture')} class="result-thumb" />}
      {verdict === 'safe' || verdict === 'unsafe' ? <ModerationSentence moderation={verdict} /> : <p>{t('result.noVerdict')}</p>}
    </div>
  );
}

/** Comic dialogue as a script: panel by panel, who says what. */
function Script({ data }: { data: unknown }) {
  const { t } = useI18n();
  const panels = (data as { panels?: Array<{ index: number; lines: Array<{ speaker: string; text: string }> }> } | undefined)?.panels;
  if (!Array.isArray(panels)) return <p>{t('result.noScript')}</p>;
  return (
    <div class="script stack">
      {panels.map((p) => (
        <section key={p.index} aria-label={t('result.panel', { n: p.index + 1 })}>
          <h3>{t('result.panel', { n: p.index + 1 })}</h3>
          {p.lines.length === 0 ? (
            <p class="muted">{t('result.silent')}</p>
          ) : (
            p.lines.map((l, i) => (
              <p key={i} class="script-line">
                <strong>{l.speaker}:</strong> {l.text}
              </p>
            ))
          )}
        </section>
      ))}
    </div>
  );
}
