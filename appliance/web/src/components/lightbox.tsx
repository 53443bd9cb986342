import { useEffect, useRef } from 'preact/hooks';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import type { Media, User } from '../types.js';
import { jobTitle } from '../pages/labels.js';
import { PdfViewer } from './pdf-viewer.js';

/** The title people see for an item: its job's title, else who uploaded it. */
export function useItemTitle() {
  const { t } = useI18n();
  return (m: Media) => (m.jobType ? jobTitle({ type: m.jobType, title: m.jobTitle ?? '' }, t) : t('gallery.uploadedBy', { name: m.ownerName }));
}

/** One item large: arrow keys or a swipe for the next, Escape or the button to close. */
export function Lightbox({ items, index, user, onIndex, onClose }: { items: Media[]; index: number; user: User; onIndex(i: number): void; onClose(): void }) {
  const { t, formatDate } = useI18n();
  const titleOf = useItemTitle();
  const close = useRef<HTMLButtonElement>(null);
  const swipeFrom = useRef<number | null>(null);
  const m = items[index];
  const go = (step: number) => onIndex((index + step + items.length) % items.length);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => opener?.focus();
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else if (e.key === 'ArrowRight') go(1);
      else if (e.key === 'ArrowLeft') go(-1);
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });
  if (!m) return null;
  const title = titleOf(m);
  const full = `/api/media/${m.id}`;
  let body;
  if (m.contentType === 'application/pdf') body = <PdfViewer url={full} title={title} />;
  else if (m.contentType.startsWith('video/')) body = <video src={full} controls playsInline autoplay muted loop aria-label={title} />;
  else if (m.contentType === 'image/gif' || m.jobType === 'gif.create' || m.jobType === 'video.generate') body = <img src={full} alt={title} />;
  else body = <img src={`${full}/thumbnail?size=1920`} alt={title} />;
  const mayOpenJob = m.jobId && (user.role === 'admin' || m.ownerId === user.id);
  return (
    <div
      class="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={title}
      onPointerDown={(e) => {
        swipeFrom.current = e.clientX;
      }}
      onPointerUp={(e) => {
        const from = swipeFrom.current;
        swipeFrom.current = null;
        if (from !== null && Math.abs(e.clientX - from) > 50) go(e.clientX < from ? 1 : -1);
      }}
    >
      <div class="lightbox-bar row spread">
        <div>
          <strong class="lightbox-title">{title}</strong>
          <p class="small">
            {t('gallery.byOn', { name: m.ownerName, date: formatDate(m.createdAt) })}
            {mayOpenJob && (
              <>
                {' '}
                · <Link href={`/jobs/${encodeURIComponent(m.jobId!)}`}>{t('gallery.sourceJob')}</Link>
              </>
            )}
          </p>
        </div>
        <button type="button" ref={close} onClick={onClose}>
          {t('gallery.close')}
        </button>
      </div>
      <div class="lightbox-body">{body}</div>
      {items.length > 1 && (
        <div class="lightbox-nav row spread">
          <button type="button" onClick={() => go(-1)}>
            {t('gallery.previous')}
          </button>
          <span class="small">{t('gallery.position', { n: index + 1, total: items.length })}</span>
          <button type="button" onClick={() => go(1)}>
            {t('gallery.next')}
          </button>
        </div>
      )}
    </div>
  );
}
