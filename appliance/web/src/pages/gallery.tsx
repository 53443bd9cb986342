import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ErrorNotice, Loading, NotAvailable } from '../components/notice.js';
import { Badge } from '../components/status-badge.js';
import { useI18n } from '../i18n/i18n.js';
import { useLiveEvent } from '../live/use-live.js';
import { useSession, useUser } from '../session.js';
import type { Media, Privacy, User } from '../types.js';
import { moderationKey, privacyKey } from './labels.js';

type Scope = 'mine' | 'family';
const PAGE = 24;

/** Pictures, newest first, loading more as the end comes into view. */
export function GalleryPage() {
  const { t } = useI18n();
  const { api } = useSession();
  const user = useUser();
  const [scope, setScope] = useState<Scope>('family');
  const [items, setItems] = useState<Media[]>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = async (before: string | null | undefined, gen: number) => {
    setLoading(true);
    try {
      const page = await api.get<{ media: Media[]; nextBefore: string | null }>(`/api/media?scope=${scope}&limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`);
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
  }, [scope]);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !next || loading) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        void load(next, generation.current);
      }
    }, { rootMargin: '400px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [next, loading]);
  useLiveEvent('media', (m) => setItems((old) => {
    if (old.some((o) => o.id === m.id)) return old.map((o) => (o.id === m.id ? m : o));
    const belongs = scope === 'mine' ? m.ownerId === user.id : m.privacy !== 'private';
    return belongs ? [m, ...old] : old;
  }));

  useLiveEvent('media.deleted', ({ id }) => setItems((old) => old.filter((o) => o.id !== id)));
  // The server only sends children moderated pictures; this keeps a stale live event from showing one.
  const visible = user.role === 'child' ? items.filter((m) => m.moderation === 'safe') : items;
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('gallery.title')}</h1>
      <div class="tabs" role="group" aria-label={t('gallery.whose')}>
        {(['family', 'mine'] as const).map((s) => (
          <button key={s} type="button" aria-pressed={scope === s} onClick={() => setScope(s)}>{t(s === 'mine' ? 'gallery.mine' : 'gallery.family')}</button>
        ))}
      </div>
      {error?.status === 404 && error.message.startsWith('No such page') ? <NotAvailable /> : <ErrorNotice error={error} />}
      {!loading && !error && visible.length === 0 && <p class="muted">{t('gallery.empty')}</p>}
      <ul class="plain gallery-grid" aria-label={t('gallery.title')}>
        {visible.map((m) => <MediaCard key={m.id} media={m} user={user} onChanged={(n) => setItems((old) => n ? old.map((o) => (o.id === n.id ? n : o)) : old.filter((o) => o.id !== m.id))} />)}
      </ul>
      {loading && <Loading />}
      <div ref={sentinel} class="sentinel" aria-hidden="true" />
    </section>
  );
}

function MediaCard({ media, user, onChanged }: { media: Media; user: User; onChanged(m: Media | null): void }) {
  const { t, formatDate } = useI18n();
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
  const alt = t('gallery.alt', { name: media.ownerName, date: formatDate(media.createdAt) });
  return (
    <li class="media-card card">
      <a href={`/api/media/${media.id}`} target="_blank" rel="noopener">
        <img src={`/api/media/${media.id}/thumbnail?size=256`} alt={alt} loading="lazy" width={256} height={256} />
      </a>
      <p class="small">{media.ownerName}</p>
      <div class="row">
        <Badge kind={media.privacy} messageKey={privacyKey(media.privacy)} />
        {media.moderation !== 'safe' && <Badge kind={media.moderation} messageKey={moderationKey(media.moderation)} />}
      </div>
      <div class="row">
        <a href={`/api/media/${media.id}?download=1`} download class="small">{t('gallery.download')}</a>
        {mayManage && (
          <>
            <label class="sr-only" for={`privacy-${media.id}`}>{t('gallery.privacy')}</label>
            <select id={`privacy-${media.id}`} value={media.privacy} onChange={(e) => void setPrivacy(e.currentTarget.value as Privacy)}>
              {(['private', 'family', 'kiosk'] as const).map((p) => <option key={p} value={p}>{t(privacyKey(p))}</option>)}
            </select>
            <button type="button" class="danger small" onClick={() => void remove()} aria-label={t('gallery.deleteOne', { alt })}>{t('common.delete')}</button>
          </>
        )}
      </div>
      <ErrorNotice error={error} />
    </li>
  );
}
