import { useEffect, useState } from 'preact/hooks';
import type { AgentVoice, ComicSummary, ComicView, PipelineStepView, StoryCharacter, StoryPrivacy, StorySummary, StoryView } from '@hearth/protocol';
import { ApiError } from '../api.js';
import { Field, describedBy } from '../components/field.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { fieldErrorText, fieldOf } from '../forms/field-error.js';
import { MediaPicker } from '../forms/media-picker.js';
import { useI18n, type Translate } from '../i18n/i18n.js';
import { Link, useRoute } from '../router.js';
import { useSession } from '../session.js';
import { useResource } from '../use-resource.js';

const SCENES = [3, 4, 5, 6, 7, 8];
const LANGUAGES = ['en', 'pl'] as const;
const PRIVACY: StoryPrivacy[] = ['private', 'family', 'kiosk'];
/** While the story is being written or made, it is looked at again this often. */
const POLL_MS = 1500;

/** "Tell a story": the form and the list of one's stories. */
export function StoriesPage() {
  const { t } = useI18n();
  const list = useResource<{ stories: StorySummary[] }>('/api/stories');
  return (
    <section class="stack">
      <h1 tabIndex={-1}>{t('story.title')}</h1>
      <p class="muted">{t('story.intro')}</p>
      <NewStoryForm />
      <h2>{t('story.mine')}</h2>
      {list.error && <ErrorNotice error={list.error} />}
      {list.data &&
        (list.data.stories.length === 0 ? (
          <p class="muted">{t('story.none')}</p>
        ) : (
          <ul class="stack plain">
            {list.data.stories.map((s) => (
              <li key={s.id}>
                <Link href={`/stories/${s.id}`}>{s.title}</Link> <span class="muted">· {t(`story.stage.${s.stage}`)}</span>
              </li>
            ))}
          </ul>
        ))}
    </section>
  );
}

/** Characters from the person's own comics, each offered once by name. */
function useComicCharacters(): StoryCharacter[] {
  const { api } = useSession();
  const [cast, setCast] = useState<StoryCharacter[]>([]);
  useEffect(() => {
    let live = true;
    void (async () => {
      const { comics } = await api.get<{ comics: ComicSummary[] }>('/api/comics?scope=mine&limit=10');
      const docs = await Promise.all(comics.map((c) => api.get<ComicView>(`/api/comics/${c.id}`)));
      const byName = new Map<string, StoryCharacter>();
      for (const ch of docs.flatMap((d) => d.characters))
        if (!byName.has(ch.name)) byName.set(ch.name, { name: ch.name, description: ch.description, refMediaId: ch.refMediaId });
      if (live) setCast([...byName.values()]);
    })().catch(() => {
      /* no comics capability or none readable: the story invents its own cast */
    });
    return () => {
      live = false;
    };
  }, []);
  return cast;
}

function NewStoryForm() {
  const { t, lang } = useI18n();
  const { api, user } = useSession();
  const { navigate } = useRoute();
  const voices = useResource<{ voices: AgentVoice[] }>('/api/stories/voices');
  const cast = useComicCharacters();
  const [premise, setPremise] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [scenes, setScenes] = useState(4);
  const [language, setLanguage] = useState<'en' | 'pl'>(lang);
  const [voice, setVoice] = useState('');
  const [pictures, setPictures] = useState<'photos' | 'generate'>('photos');
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const offered = (voices.data?.voices ?? []).filter((v) => v.language === language);
  useEffect(() => {
    if (!offered.some((v) => v.id === voice)) setVoice(offered[0]?.id ?? '');
  }, [language, voices.data]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const characters = cast.filter((c) => chosen.includes(c.name));
      const story = await api.post<StoryView>('/api/stories', { premise, characters, scenes, voice, language, pictures, photoIds });
      navigate(`/stories/${story.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };
  const errorOf = (field: string): string | undefined => {
    const at = error ? fieldOf(error) : null;
    if (!error || !at || !(at === field || at.startsWith(`${field}.`))) return undefined;
    if (field === 'voice') return t('story.error.voice');
    if (field === 'photoIds') return t('story.error.photos');
    return fieldErrorText(error, t);
  };
  const e = { premise: errorOf('premise'), scenes: errorOf('scenes'), voice: errorOf('voice'), photoIds: errorOf('photoIds'), pictures: errorOf('pictures') };

  return (
    <form class="stack card" noValidate onSubmit={(ev) => void submit(ev)} aria-labelledby="story-new-h">
      <h2 id="story-new-h">{t('story.new')}</h2>
      <Field id="story-premise" label={t('story.premise')} hint={t('story.premiseHint')} error={e.premise}>
        <textarea
          id="story-premise"
          rows={3}
          maxLength={1000}
          value={premise}
          onInput={(ev) => setPremise(ev.currentTarget.value)}
          aria-invalid={e.premise ? true : undefined}
          aria-describedby={describedBy('story-premise', t('story.premiseHint'), e.premise)}
        />
      </Field>
      <fieldset>
        <legend>{t('story.characters')}</legend>
        {cast.length === 0 ? (
          <p class="muted">{t('story.noCharacters')}</p>
        ) : (
          <>
            <p class="hint">{t('story.charactersHint')}</p>
            <ul class="plain row wrap">
              {cast.slice(0, 12).map((c, i) => (
                <li key={c.name}>
                  <label for={`story-cast-${i}`} class="story-choice">
                    <input
                      id={`story-cast-${i}`}
                      type="checkbox"
                      checked={chosen.includes(c.name)}
                      disabled={!chosen.includes(c.name) && chosen.length >= 6}
                      onChange={() => setChosen(chosen.includes(c.name) ? chosen.filter((n) => n !== c.name) : [...chosen, c.name])}
                    />
                    {c.name}
                  </label>
                </li>
              ))}
            </ul>
          </>
        )}
      </fieldset>
      <div class="grid-2">
        <Field id="story-scenes" label={t('story.scenes')} error={e.scenes}>
          <select id="story-scenes" value={scenes} onChange={(ev) => setScenes(Number(ev.currentTarget.value))}>
            {SCENES.map((n) => (
              <option key={n} value={n}>
                {t('story.scenesCount', { n })}
              </option>
            ))}
          </select>
        </Field>
        <Field id="story-language" label={t('story.language')}>
          <select id="story-language" value={language} onChange={(ev) => setLanguage(ev.currentTarget.value as 'en' | 'pl')}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`story.lang.${l}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="story-voice" label={t('story.voice')} error={e.voice} hint={offered.length ? undefined : t('story.noVoices')}>
          <select
            id="story-voice"
            value={voice}
            onChange={(ev) => setVoice(ev.currentTarget.value)}
            aria-invalid={e.voice ? true : undefined}
            aria-describedby={describedBy('story-voice', offered.length ? undefined : t('story.noVoices'), e.voice)}
          >
            {/* An empty select looks broken; say plainly that there is nothing to pick. */}
            {offered.length ? (
              offered.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.label}
                </option>
              ))
            ) : (
              <option value="">{t('story.noVoiceOption')}</option>
            )}
          </select>
        </Field>
      </div>
      <fieldset>
        <legend>{t('story.pictures')}</legend>
        {(['photos', 'generate'] as const)
          .filter((p) => p === 'photos' || user?.role !== 'child')
          .map((p) => (
            <label key={p} for={`story-pictures-${p}`} class="story-choice">
              <input id={`story-pictures-${p}`} type="radio" name="story-pictures" checked={pictures === p} onChange={() => setPictures(p)} />
              {t(`story.pictures.${p}`)}
            </label>
          ))}
        {e.pictures && (
          <small class="field-error" role="alert">
            {e.pictures}
          </small>
        )}
      </fieldset>
      {pictures === 'photos' && (
        <MediaPicker
          id="story-photos"
          label={t('story.photos')}
          hint={t('story.photosHint')}
          error={e.photoIds}
          multiple
          selected={photoIds}
          onChange={setPhotoIds}
        />
      )}
      {error && !fieldOf(error) && <ErrorNotice error={error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('story.start')}
        </button>
      </div>
    </form>
  );
}

/** One story: the storyboard to check and approve, the progress of each step, the film. */
export function StoryPage({ id }: { id: string }) {
  const { t } = useI18n();
  const story = useResource<StoryView>(`/api/stories/${encodeURIComponent(id)}`);
  const stage = story.data?.stage;
  useEffect(() => {
    if (stage !== 'writing' && stage !== 'making') return;
    const timer = setInterval(story.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [stage]);
  if (story.error) return <ErrorNotice error={story.error} />;
  if (!story.data) return <Loading />;
  const s = story.data;
  const replace = (next: StoryView) => story.set(() => next);
  return (
    <section class="stack">
      <p>
        <Link href="/stories">← {t('story.back')}</Link>
      </p>
      <h1 tabIndex={-1}>{s.title}</h1>
      <p class="muted" data-stage={s.stage}>
        <strong>{t(`story.stage.${s.stage}`)}</strong>
        {s.audience === 'child' && ` · ${t('story.for.child')}`}
      </p>
      {s.stage === 'storyboard' ? <Storyboard story={s} onChange={replace} /> : <Scenes story={s} onChange={replace} />}
      {s.videoId && <Film story={s} onChange={replace} />}
      <Steps story={s} onChange={replace} />
    </section>
  );
}

function useAction(onChange: (s: StoryView) => void) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (call: () => Promise<StoryView | unknown>) => {
    setBusy(true);
    setError(null);
    try {
      const next = await call();
      if (next && typeof next === 'object' && 'stage' in next) onChange(next as StoryView);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function Storyboard({ story, onChange }: { story: StoryView; onChange(s: StoryView): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [title, setTitle] = useState(story.title);
  const [scenes, setScenes] = useState(story.scenes.map((s) => ({ narration: s.narration, picturePrompt: s.picturePrompt })));
  const { error, busy, run } = useAction(onChange);
  const edit = (i: number, key: 'narration' | 'picturePrompt', value: string) => setScenes(scenes.map((s, n) => (n === i ? { ...s, [key]: value } : s)));
  const errorAt = (field: string) => (error && fieldOf(error) === field ? fieldErrorText(error, t) : undefined);
  const approve = () =>
    run(async () => {
      await api.put(`/api/stories/${story.id}/storyboard`, { title, scenes });
      return api.post(`/api/stories/${story.id}/approve`);
    });
  return (
    <form
      class="stack card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void approve();
      }}
      aria-labelledby="board-h"
    >
      <h2 id="board-h">{t('story.stage.storyboard')}</h2>
      <p class="hint">{t('story.boardHint')}</p>
      <Field id="board-title" label={t('story.storyTitle')} error={errorAt('title')}>
        <input id="board-title" value={title} maxLength={120} onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <ol class="plain stack">
        {scenes.map((s, i) => (
          <li key={i} class="card stack">
            <h3>{t('story.scene', { n: i + 1 })}</h3>
            <Field id={`board-narration-${i}`} label={t('story.narration')} error={errorAt(`scenes.${i}.narration`)}>
              <textarea id={`board-narration-${i}`} rows={3} maxLength={600} value={s.narration} onInput={(e) => edit(i, 'narration', e.currentTarget.value)} />
            </Field>
            <Field id={`board-prompt-${i}`} label={t('story.picturePrompt')} error={errorAt(`scenes.${i}.picturePrompt`)}>
              <textarea
                id={`board-prompt-${i}`}
                rows={2}
                maxLength={1000}
                value={s.picturePrompt}
                onInput={(e) => edit(i, 'picturePrompt', e.currentTarget.value)}
              />
            </Field>
          </li>
        ))}
      </ol>
      {error && !fieldOf(error) && <ErrorNotice error={error} />}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {t('story.approve')}
        </button>
        <button
          type="button"
          class="secondary"
          disabled={busy}
          onClick={() => void run(() => api.put(`/api/stories/${story.id}/storyboard`, { title, scenes }))}
        >
          {t('story.save')}
        </button>
      </div>
    </form>
  );
}

function Scenes({ story, onChange }: { story: StoryView; onChange(s: StoryView): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { error, busy, run } = useAction(onChange);
  const [prompts, setPrompts] = useState<Record<number, string>>({});
  if (story.scenes.length === 0) return null;
  const pictureStep = (i: number) => story.pipeline.steps.find((s) => s.key === `picture-${i + 1}`);
  const redrawable = (i: number) => {
    const own = pictureStep(i);
    const film = story.pipeline.steps.find((s) => s.key === 'video');
    const live = (st: PipelineStepView | undefined) => !!st && ['queued', 'running', 'waiting_for_gpu'].includes(st.status);
    return story.stage !== 'cancelled' && own?.status === 'succeeded' && !live(film);
  };
  return (
    <div class="stack">
      {error && <ErrorNotice error={error} />}
      <ol class="plain grid-2">
        {story.scenes.map((s, i) => (
          <li key={i} class="card stack">
            <h3>{t('story.scene', { n: i + 1 })}</h3>
            {s.pictureId ? (
              <img src={`/api/media/${s.pictureId}/thumbnail?size=1024`} alt={s.picturePrompt} class="story-picture" />
            ) : (
              <p class="muted">{t('story.noPicture')}</p>
            )}
            <p>{s.narration}</p>
            {redrawable(i) && (
              <form
                class="stack"
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  void run(() => api.post(`/api/stories/${story.id}/scenes/${i + 1}/redraw`, prompts[i]?.trim() ? { picturePrompt: prompts[i] } : {}));
                }}
              >
                <Field id={`redraw-${i}`} label={t('story.redrawPrompt')}>
                  <input
                    id={`redraw-${i}`}
                    value={prompts[i] ?? ''}
                    maxLength={1000}
                    placeholder={s.picturePrompt}
                    onInput={(e) => setPrompts({ ...prompts, [i]: e.currentTarget.value })}
                  />
                </Field>
                <div class="row">
                  <button type="submit" class="secondary" disabled={busy}>
                    {t('story.redraw')}
                  </button>
                </div>
              </form>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Film({ story, onChange }: { story: StoryView; onChange(s: StoryView): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { error, busy, run } = useAction(onChange);
  return (
    <div class="stack card">
      <h2>{t('story.film')}</h2>
      <video class="story-film" src={`/api/media/${story.videoId}`} controls playsInline preload="auto" aria-label={story.title} />
      <Field id="story-privacy" label={t('story.share')}>
        <select
          id="story-privacy"
          value={story.privacy}
          disabled={busy}
          onChange={(e) => void run(() => api.put(`/api/stories/${story.id}/privacy`, { privacy: e.currentTarget.value }))}
        >
          {PRIVACY.map((p) => (
            <option key={p} value={p}>
              {t(`privacy.${p}`)}
            </option>
          ))}
        </select>
      </Field>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}

function stepTitle(key: string, t: Translate): string {
  const m = /^(picture|voice)-(\d+)$/.exec(key);
  if (m) return t(m[1] === 'picture' ? 'story.step.picture' : 'story.step.voice', { n: Number(m[2]) });
  return t(key === 'story' ? 'story.step.story' : 'story.step.video');
}

function Steps({ story, onChange }: { story: StoryView; onChange(s: StoryView): void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { error, busy, run } = useAction(onChange);
  const p = story.pipeline;
  const reload = async () => api.get<StoryView>(`/api/stories/${story.id}`);
  return (
    <div class="stack card">
      <h2>{t('story.steps')}</h2>
      <ProgressBar fraction={p.fraction} label={t('story.steps')} />
      <ul class="plain stack">
        {p.steps.map((s) => (
          <li key={s.key} data-step={s.key} data-status={s.status}>
            <span>{stepTitle(s.key, t)}</span>{' '}
            <span class="muted">
              · {s.awaitingApproval ? t('story.step.approval') : s.status === 'waiting' ? t('story.step.waiting') : t(`status.${s.status}`)}
              {s.status === 'running' && ` ${Math.round(s.fraction * 100)} %`}
            </span>
            {s.error && <small class="field-error">{s.error}</small>}
            {(s.status === 'failed' || s.status === 'cancelled') && p.status === 'failed' && (
              <button
                type="button"
                class="secondary"
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    await api.post(`/api/pipelines/${p.id}/steps/${s.key}/retry`);
                    return reload();
                  })
                }
              >
                {t('story.retry')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {p.status === 'running' && (
        <div class="row">
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await api.post(`/api/pipelines/${p.id}/cancel`);
                return reload();
              })
            }
          >
            {t('story.cancel')}
          </button>
        </div>
      )}
      {error && <ErrorNotice error={error} />}
    </div>
  );
}
