import { useState } from 'preact/hooks';
import { COMIC_LAYOUT_NAMES, layoutSlots, type ComicLayoutName, type ComicSummary, type ComicView } from '@hearth/protocol';
import { ErrorNotice, Loading } from '../components/notice.js';
import { Link, match, useRoute } from '../router.js';
import { useSession } from '../session.js';
import { useResource } from '../use-resource.js';
import { ComicEditor } from './editor.js';
import { useStudioText } from './strings.js';
import '@fontsource/patrick-hand/latin.css';
import '@fontsource/patrick-hand/latin-ext.css';
import './comics.css';

/** The comics studio (its own chunk): the list of comics, and the editor of one. */
export function ComicsStudio({ path }: { path: string }) {
  const m = match('/comics/:id', path);
  const id = m ? Number(m.id) : NaN;
  return Number.isInteger(id) && id > 0 ? <ComicEditor key={id} id={id} /> : <ComicList />;
}

function ComicList() {
  const text = useStudioText();
  const { api } = useSession();
  const { navigate } = useRoute();
  const mine = useResource<{ comics: ComicSummary[] }>('/api/comics?scope=mine');
  const family = useResource<{ comics: ComicSummary[] }>('/api/comics?scope=family');
  const [title, setTitle] = useState('');
  const [layout, setLayout] = useState<ComicLayoutName>('four');
  const [error, setError] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const comic = await api.post<ComicView>('/api/comics', { title: title.trim() || text('newComic'), layout });
      navigate(`/comics/${comic.id}`);
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const list = (comics: ComicSummary[] | undefined) =>
    comics?.length ? (
      <ul class="plain comic-cards">
        {comics.map((c) => (
          <li key={c.id}>
            <Link href={`/comics/${c.id}`} class="comic-card">
              {c.coverMediaId ? (
                <img src={`/api/media/${c.coverMediaId}/thumbnail?size=256`} alt="" loading="lazy" />
              ) : (
                <span class="comic-cover-empty" aria-hidden="true" />
              )}
              <span>{c.title}</span>
              <small>
                {text('pages', { n: c.pages })} · {c.ownerName}
              </small>
            </Link>
          </li>
        ))}
      </ul>
    ) : (
      <p>{text('none')}</p>
    );

  return (
    <section class="stack comic-studio">
      <h1 tabIndex={-1}>{text('title')}</h1>
      <form class="stack new-comic" onSubmit={(e) => void create(e)}>
        <h2>{text('newComic')}</h2>
        <label class="stack">
          <span>{text('comicTitle')}</span>
          <input value={title} maxLength={120} onInput={(e) => setTitle(e.currentTarget.value)} />
        </label>
        <fieldset>
          <legend>{text('template')}</legend>
          <div class="templates">
            {COMIC_LAYOUT_NAMES.map((l) => (
              <label key={l} class="template">
                <input type="radio" name="layout" value={l} checked={layout === l} onChange={() => setLayout(l)} />
                <LayoutPreview layout={l} />
                <span>{text(`layout.${l}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <button type="submit" class="primary">
          {text('create')}
        </button>
        <ErrorNotice error={error} />
      </form>
      <h2>{text('mine')}</h2>
      {mine.error ? <ErrorNotice error={mine.error} /> : mine.data ? list(mine.data.comics) : <Loading />}
      <h2>{text('family')}</h2>
      {family.data ? list(family.data.comics.filter((c) => !mine.data?.comics.some((m) => m.id === c.id))) : <Loading />}
    </section>
  );
}

function LayoutPreview({ layout }: { layout: ComicLayoutName }) {
  return (
    <svg viewBox="0 0 100 141" class="layout-preview" aria-hidden="true">
      {layoutSlots(layout).map((s, i) => (
        <rect key={i} x={s.x * 100} y={s.y * 141} width={s.w * 100} height={s.h * 141} />
      ))}
    </svg>
  );
}
