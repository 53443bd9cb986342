import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { Lightbox, useItemTitle } from '../components/lightbox.js';
import { ShareNotice } from '../components/share-notice.js';
import { Badge } from '../components/status-badge.js';
import { Uploader } from '../components/uploader.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent } from '../live/use-live.js';
import { useSession, useUser } from '../session.js';
import type { Media, Privacy, User } from '../types.js';
import { moderationKey, privacyKey } from './labels.js';

type Scope = 'mine' | 'family';
type Kind = 'all' | 'photos' | 'comics' | 'animations';
const KINDS: readonly Kind[] = ['all', 'photos', 'comics', 'animations'];
const PAGE = 24;

/** Whether a live item belongs under a filter (the server applies the same rules to pages it lists). */
function ofKind(m: Media, kind: Kind): boolean {
  const comic = m.contentType === 'application/pdf' || m.jobType === 'comic.compose';
  const animated = m.contentType === 'image/gif' || m.contentType.startsWith('video/') || m.jobType === 'gif.create' || m.jobType === 'video.generate';
  if (kind === 'comics') return comic;
  if (kind === 'animations') return animated;
  if (kind === 'photos') return m.contentType.startsWith('image/') && !comic && !animated;
  return true;
}

/** Pictures, newest first, loading more as the end comes into view. */
export function GalleryPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const user = useUser();
  const [scope, setScope] = useState<Scope>('family');
  const [kind, setKind] = useState<Kind>('all');
  const [open, setOpen] = useState<number | null>(null);
  const [items, setItems] = useState<Media[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = async (before: string | null | undefined, gen: number) => {
    setLoading(true);
    try {
      const page = await api.get<{ media: Media[]; nextBefore: string | null }>(
        `/api/media?scope=${scope}${kind === 'all' ? '' : `&kind=${kind}`}&limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
      );
      if (gen !== generation.current) return;
      setItems((old) => [...(before ? old : []), ...page.media.filter((m) => !old.some((o) => before && o.id === m.id))]);
      setNext(page.nextBefore);
      setError(null);
    } catch (e) {
      if (gen === generation.current) setError(e as ApiError);
    } finally {
      if (gen === generation.current) setLoading(false);
    }
  };
  useEffect(() => {
    const gen = ++generation.current;
    setItems([]);
    setNext(undefined);
    void load(undefined, gen);
  }, [scope, kind]);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !next || loading) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          observer.disconnect();
          void load(next, generation.current);
        }
      },
      { rootMargin: '400px' },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [next, loading]);
  useLiveEvent('media', (m) =>
    setItems((old) => {
      // Live events carry no job labels: keep the ones the list had.
      if (old.some((o) => o.id === m.id)) return old.map((o) => (o.id === m.id ? { ...o, ...m, jobTitle: o.jobTitle, jobType: o.jobType } : o));
      const belongs = (scope === 'mine' ? m.ownerId === user.id : m.privacy !== 'private') && ofKind(m, kind);
      return belongs ? [m, ...old] : old;
    }),
  );
  const uploaded = (m: Media) =>
    setItems((old) => (old.some((o) => o.id === m.id) || (scope === 'family' && m.privacy === 'private') || !ofKind(m, kind) ? old : [m, ...old]));

  useLiveEvent('media.deleted', ({ id }) => setItems((old) => old.filter((o) => o.id !== id)));
  // The server only sends children moderated pictures; this keeps a stale live event from showing one.
  const visible = user.role === 'child' ? items.filter((m) => m.moderation === 'safe') : items;
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('gallery.title')}</h1>
      <ShareNotice />
      {user.role !== 'child' && <Uploader onUploaded={uploaded} />}
      <div class="row wrap">
        <div class="tabs" role="group" aria-label={t('gallery.whose')}>
          {(['family', 'mine'] as const).map((s) => (
            <button key={s} type="button" aria-pressed={scope === s} onClick={() => setScope(s)}>
              {t(s === 'mine' ? 'gallery.mine' : 'gallery.family')}
            </button>
          ))}
        </div>
        <div class="tabs" role="group" aria-label={t('gallery.filter')}>
          {KINDS.map((k) => (
            <button key={k} type="button" aria-pressed={kind === k} onClick={() => setKind(k)}>
              {t(`gallery.kind.${k}`)}
            </button>
          ))}
        </div>
      </div>
      {error?.status === 404 && error.message.startsWith('No such page') ? <NotAvailable /> : <ErrorNotice error={error} />}
      {!loading && !error && visible.length === 0 && <EmptyHint scope={scope} kind={kind} role={user.role} />}
      <ul class="plain gallery-grid" aria-label={t('gallery.title')}>
        {visible.map((m, i) => (
          <MediaCard
            key={m.id}
            media={m}
            user={user}
            onOpen={() => setOpen(i)}
            onChanged={(n) =>
              setItems((old) =>
                n ? old.map((o) => (o.id === n.id ? { ...o, ...n, jobTitle: o.jobTitle, jobType: o.jobType } : o)) : old.filter((o) => o.id !== m.id),
              )
            }
          />
        ))}
      </ul>
      {open !== null && visible[open] && <Lightbox items={visible} index={open} user={user} onIndex={setOpen} onClose={() => setOpen(null)} />}
      {loading && <Loading />}
      <div ref={sentinel} class="sentinel" aria-hidden="true" />
    </section>
  );
}

/** Why there is nothing to see, and what would put something here. */
function EmptyHint({ scope, kind, role }: { scope: Scope; kind: Kind; role: User['role'] }) {
  const { t } = useI18n();
  if (kind !== 'all') return <p class="muted">{t(`gallery.emptyKind.${kind}`)}</p>;
  if (scope === 'mine') return <p class="muted">{t('gallery.emptyMine')}</p>;
  return (
    <p class="muted" data-testid="family-empty">
      {t(role === 'child' ? 'gallery.emptyFamilyChild' : 'gallery.emptyFamily')}
    </p>
  );
}

function MediaCard({ media, user, onOpen, onChanged }: { media: Media; user: User; onOpen(): void; onChanged(m: Media | null): void }) {
  const { t, formatDate } = useI18n();
  const titleOf = useItemTitle();
  const { api } = useSession();
  const [error, setError] = useState<ApiError | null>(null);
  const mayManage = user.role === 'admin' || (media.ownerId === user.id && user.role !== 'child');
  const setPrivacy = async (privacy: Privacy) => {
    try {
      onChanged(await api.patch<Media>(`/api/media/${media.id}`, { privacy }));
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const remove = async () => {
    if (!confirm(t('gallery.deleteConfirm'))) return;
    try {
      await api.delete(`/api/media/${media.id}`);
      onChanged(null);
    } catch (e) {
      setError(e as ApiError);
    }
  };
  const title = titleOf(media);
  const alt = t('gallery.alt', { title, name: media.ownerName, date: formatDate(media.createdAt) });
  const isImage = media.contentType.startsWith('image/');
  // A still thumbnail, whole (not cropped); the lightbox plays animations.
  const w = media.width ?? 4;
  const h = media.height ?? 3;
  return (
    <li class="media-card card">
      <button type="button" class="media-open" onClick={onOpen} aria-label={t('gallery.openItem', { title })}>
        {isImage ? (
          <img src={`/api/media/${media.id}/thumbnail?size=1024`} alt={alt} loading="lazy" width={w} height={h} />
        ) : (
          <span class="media-file" aria-hidden="true">
            {media.contentType === 'application/pdf' ? 'PDF' : media.contentType.startsWith('video/') ? '▶' : '♪'}
          </span>
        )}
      </button>
      <p class="small media-title">
        <strong>{title}</strong>
      </p>
      {media.jobType && <p class="small muted">{media.ownerName}</p>}
      <div class="row">
        {!mayManage && <Badge kind={media.privacy} messageKey={privacyKey(media.privacy)} />}
        {media.moderation !== 'safe' && <Badge kind={media.moderation} messageKey={moderationKey(media.moderation)} />}
      </div>
      <div class="row">
        <a href={`/api/media/${media.id}?download=1`} download class="small">
          {t('gallery.download')}
        </a>
        {mayManage && (
          <>
            <label class="sr-only" for={`privacy-${media.id}`}>
              {t('gallery.privacy')}
            </label>
            <select id={`privacy-${media.id}`} value={media.privacy} onChange={(e) => void setPrivacy(e.currentTarget.value as Privacy)}>
              {(['private', 'family', 'kiosk'] as const).map((p) => (
                <option key={p} value={p}>
                  {t(privacyKey(p))}
                </option>
              ))}
            </select>
            <button type="button" class="danger small" onClick={() => void remove()} aria-label={t('gallery.deleteOne', { alt })}>
              {t('common.delete')}
            </button>
          </>
        )}
      </div>
      <ErrorNotice error={error} />
    </li>
  );
}
