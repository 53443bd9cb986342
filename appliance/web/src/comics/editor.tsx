import { useEffect, useRef, useState } from 'preact/hooks';
import {
  BUBBLE_KINDS,
  COMIC_LAYOUT_NAMES,
  COMIC_LIMITS,
  COMIC_PRIVACY,
  DEFAULT_CROP,
  blankPage,
  slotCount,
  type BubbleKind,
  type ComicContent,
  type ComicLayoutName,
  type ComicPanel,
  type JobView,
  type PipelineView,
} from '@hearth/protocol';
import type { Api } from '../api.js';
import { ErrorNotice, Loading } from '../components/notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { MediaPicker } from '../forms/media-picker.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import type { Media } from '../types.js';
import { PageCanvas, type CanvasActions, type Selection } from './page-canvas.js';
import { useStudioText, type StudioText } from './strings.js';
import { useComicDoc } from './use-comic-doc.js';

const newId = (prefix: string) => `${prefix}${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;

/** The comic editor: a page, its panels and bubbles, and the helpers that fill them in. */
export function ComicEditor({ id }: { id: number }) {
  const { api } = useSession();
  const text = useStudioText();
  const c = useComicDoc(api, id);
  const [pageIndex, setPageIndex] = useState(0);
  const [sel, setSel] = useState<Selection>({ panel: null, bubble: null });
  const [sizes, setSizes] = useState(() => new Map<string, { w: number; h: number }>());
  const [kind, setKind] = useState<BubbleKind>('speech');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName);
      if (typing || !(e.ctrlKey || e.metaKey)) return;
      if (e.key.toLowerCase() === 'z') {
        e.preventDefault();
        if (e.shiftKey) c.redo();
        else c.undo();
      }
      if (e.key.toLowerCase() === 'y') {
        e.preventDefault();
        c.redo();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  });

  if (c.loadError) return <ErrorNotice error={c.loadError} />;
  if (!c.doc || !c.view) return <Loading />;
  const doc = c.doc;
  const page = doc.pages[Math.min(pageIndex, doc.pages.length - 1)]!;
  const pi = doc.pages.indexOf(page);
  const panel = page.panels.find((p) => p.id === sel.panel) ?? null;

  const actions: CanvasActions = {
    select: setSel,
    panel: (panelId, change) =>
      c.edit((d) => {
        const p = d.pages[pi]!.panels.find((x) => x.id === panelId);
        if (p) change(p);
      }),
    beginGesture: c.beginGesture,
    endGesture: c.endGesture,
  };
  const editPanel = (change: (p: ComicPanel) => void) => panel && actions.panel(panel.id, change);

  const addBubble = () => {
    if (!panel || panel.bubbles.length >= COMIC_LIMITS.bubblesPerPanel) return;
    const bubbleId = newId('b');
    const n = panel.bubbles.length;
    editPanel((p) => {
      p.bubbles.push({
        id: bubbleId,
        kind,
        speaker: '',
        text: text('newText'),
        byHand: true,
        x: 0.05 + (n % 2) * 0.45,
        y: 0.05 + Math.floor(n / 2) * 0.22,
        w: 0.42,
        h: 0.2,
        tail: kind === 'caption' ? null : { x: 0.3 + (n % 2) * 0.4, y: 0.8 },
      });
    });
    setSel({ panel: panel.id, bubble: bubbleId });
  };

  const setLayout = (layout: ComicLayoutName) =>
    c.edit((d) => {
      const p = d.pages[pi]!;
      const fresh = blankPage(p.id, layout);
      // Panels keep their place where the new layout has it; new slots come empty.
      p.panels = fresh.panels.map((f) => {
        const kept = p.panels.find((x) => x.slot === f.slot);
        return kept ?? { ...f, id: newId('n') };
      });
      p.layout = layout;
    });

  const movePanel = (by: number) => {
    if (!panel) return;
    const target = panel.slot + by;
    if (target < 0 || target >= slotCount(page.layout)) return;
    c.edit((d) => {
      const ps = d.pages[pi]!.panels;
      const a = ps.find((x) => x.id === panel.id)!;
      const b = ps.find((x) => x.slot === target);
      if (b) b.slot = a.slot;
      a.slot = target;
    });
  };

  const movePage = (by: number) => {
    const to = pi + by;
    if (to < 0 || to >= doc.pages.length) return;
    c.edit((d) => {
      const [moved] = d.pages.splice(pi, 1);
      d.pages.splice(to, 0, moved!);
    });
    setPageIndex(to);
  };

  const upload = async (file: File) => {
    const form = new FormData();
    form.append('file', file);
    const media = await api.post<Media>('/api/media', form);
    editPanel((p) => {
      p.mediaId = media.id;
      p.crop = { ...DEFAULT_CROP };
    });
  };

  return (
    <section class="comic-editor stack">
      <div class="row spread wrap">
        <Link href="/comics">← {text('back')}</Link>
        <SaveStatus state={c.state} error={c.saveError} text={text} />
      </div>
      <label class="stack">
        <span>{text('comicTitle')}</span>
        <input
          value={doc.title}
          maxLength={COMIC_LIMITS.title}
          onInput={(e) => {
            const v = e.currentTarget.value;
            if (v.trim())
              c.edit((d) => {
                d.title = v;
              });
          }}
        />
      </label>

      <div class="row wrap toolbar" role="toolbar" aria-label={text('title')}>
        <button type="button" onClick={c.undo} disabled={!c.canUndo}>
          {text('undo')}
        </button>
        <button type="button" onClick={c.redo} disabled={!c.canRedo}>
          {text('redo')}
        </button>
        <label class="row">
          <span>{text('layout')}</span>
          <select value={page.layout} onChange={(e) => setLayout(e.currentTarget.value as ComicLayoutName)}>
            {COMIC_LAYOUT_NAMES.map((l) => (
              <option key={l} value={l}>
                {text(`layout.${l}`)}
              </option>
            ))}
          </select>
        </label>
      </div>

      <nav class="row wrap page-tabs" aria-label={text('pages', { n: doc.pages.length })}>
        {doc.pages.map((p, i) => (
          <button
            key={p.id}
            type="button"
            aria-pressed={i === pi}
            onClick={() => {
              setPageIndex(i);
              setSel({ panel: null, bubble: null });
            }}
          >
            {text('page', { n: i + 1 })}
          </button>
        ))}
        <button
          type="button"
          disabled={doc.pages.length >= COMIC_LIMITS.pages}
          onClick={() => {
            c.edit((d) => {
              d.pages.push(blankPage(newId('p'), page.layout));
            });
            setPageIndex(doc.pages.length);
          }}
        >
          + {text('addPage')}
        </button>
        <button type="button" onClick={() => movePage(-1)} disabled={pi === 0} aria-label={text('movePageEarlier')}>
          ←
        </button>
        <button type="button" onClick={() => movePage(1)} disabled={pi === doc.pages.length - 1} aria-label={text('movePageLater')}>
          →
        </button>
        <button
          type="button"
          disabled={doc.pages.length === 1}
          onClick={() => {
            c.edit((d) => {
              d.pages.splice(pi, 1);
            });
            setPageIndex(Math.max(0, pi - 1));
          }}
        >
          {text('deletePage')}
        </button>
      </nav>

      <div class="comic-workspace">
        <PageCanvas
          page={page}
          selection={sel}
          sizes={sizes}
          actions={actions}
          text={text}
          onSize={(mediaId, w, h) => {
            if (!sizes.has(mediaId)) setSizes(new Map(sizes).set(mediaId, { w, h }));
          }}
        />
        <p id="bubble-help" class="hint">
          {text('bubbleHelp')} {text('panHint')}
        </p>

        <div class="stack panel-tools">
          {!panel ? (
            <p>{text('choosePanel')}</p>
          ) : (
            <>
              <h2>{text('panel', { n: panel.slot + 1 })}</h2>
              <div class="row wrap">
                <label class="button-like">
                  {text('upload')}
                  <input
                    type="file"
                    accept="image/jpeg,image/png,image/webp,image/gif"
                    class="sr-only"
                    data-testid="panel-upload"
                    onChange={(e) => {
                      const f = e.currentTarget.files?.[0];
                      if (f) void upload(f);
                      e.currentTarget.value = '';
                    }}
                  />
                </label>
                <GalleryButton
                  text={text}
                  onPick={(mediaId) =>
                    editPanel((p) => {
                      p.mediaId = mediaId;
                      p.crop = { ...DEFAULT_CROP };
                    })
                  }
                />
                <DrawButton text={text} upload={upload} />
                {panel.mediaId && (
                  <>
                    <button
                      type="button"
                      aria-label={text('zoomIn')}
                      onClick={() =>
                        editPanel((p) => {
                          p.crop.zoom = Math.min(4, Math.round((p.crop.zoom + 0.25) * 100) / 100);
                        })
                      }
                    >
                      +
                    </button>
                    <button
                      type="button"
                      aria-label={text('zoomOut')}
                      onClick={() =>
                        editPanel((p) => {
                          p.crop.zoom = Math.max(1, Math.round((p.crop.zoom - 0.25) * 100) / 100);
                        })
                      }
                    >
                      -
                    </button>
                    <button
                      type="button"
                      onClick={() =>
                        editPanel((p) => {
                          p.mediaId = null;
                        })
                      }
                    >
                      {text('removePicture')}
                    </button>
                  </>
                )}
                <button type="button" onClick={() => movePanel(-1)} disabled={panel.slot === 0}>
                  {text('movePanelEarlier')}
                </button>
                <button type="button" onClick={() => movePanel(1)} disabled={panel.slot >= slotCount(page.layout) - 1}>
                  {text('movePanelLater')}
                </button>
              </div>
              <label class="stack">
                <span>{text('drawItHint')}</span>
                <input
                  value={panel.prompt}
                  maxLength={COMIC_LIMITS.prompt}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    editPanel((p) => {
                      p.prompt = v;
                    });
                  }}
                />
              </label>
              <div class="row wrap">
                <label class="row">
                  <span>{text('bubbleKind')}</span>
                  <select value={kind} onChange={(e) => setKind(e.currentTarget.value as BubbleKind)}>
                    {BUBBLE_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {text(`kind.${k}`)}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" onClick={addBubble} disabled={panel.bubbles.length >= COMIC_LIMITS.bubblesPerPanel}>
                  {text('addBubble')}
                </button>
                {sel.bubble && (
                  <BubbleSpeaker
                    doc={doc}
                    panel={panel}
                    bubbleId={sel.bubble}
                    text={text}
                    onChange={(speaker) =>
                      editPanel((p) => {
                        const b = p.bubbles.find((x) => x.id === sel.bubble);
                        if (b) b.speaker = speaker;
                      })
                    }
                  />
                )}
              </div>
            </>
          )}
        </div>
      </div>

      <Helpers api={api} id={id} doc={doc} panel={panel} text={text} flush={c.flush} reload={c.reloadFromServer} />
      <ComicSettings doc={doc} edit={c.edit} text={text} />
      <Printing api={api} id={id} version={c.view.version} render={c.view.render} pages={doc.pages.length} flush={c.flush} text={text} />

      {c.conflict && (
        <div class="dialog-backdrop">
          <div role="alertdialog" aria-modal="true" aria-labelledby="conflict-title" aria-describedby="conflict-text" class="dialog stack">
            <h2 id="conflict-title">{text('conflictTitle')}</h2>
            <p id="conflict-text">{text('conflictText', { version: c.conflict.version })}</p>
            <div class="row wrap">
              <button type="button" class="primary" ref={(el) => el?.focus()} onClick={() => c.resolve('mine')}>
                {text('keepMine')}
              </button>
              <button type="button" onClick={() => c.resolve('theirs')}>
                {text('takeTheirs')}
              </button>
            </div>
          </div>
        </div>
      )}
    </section>
  );
}

function SaveStatus({ state, error, text }: { state: string; error: string | null; text: StudioText }) {
  const words =
    state === 'saving'
      ? text('saving')
      : state === 'saved'
        ? text('saved')
        : state === 'failed'
          ? text('saveFailed', { message: error ?? '' })
          : state === 'conflict'
            ? text('conflictTitle')
            : text('unsaved');
  return (
    <p role="status" class={`save-status save-${state}`} data-state={state}>
      {words}
    </p>
  );
}

function BubbleSpeaker({
  doc,
  panel,
  bubbleId,
  text,
  onChange,
}: {
  doc: ComicContent;
  panel: ComicPanel;
  bubbleId: string;
  text: StudioText;
  onChange(speaker: string): void;
}) {
  const b = panel.bubbles.find((x) => x.id === bubbleId);
  if (!b) return null;
  return (
    <label class="row">
      <span>{text('speaker')}</span>
      <select value={b.speaker} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">{text('nobody')}</option>
        {doc.characters.map((ch) => (
          <option key={ch.id} value={ch.id}>
            {ch.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function GalleryButton({ text, onPick }: { text: StudioText; onPick(id: string): void }) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {text('fromGallery')}
      </button>
    );
  return (
    <div class="stack gallery-pick">
      <MediaPicker
        id="panel-gallery"
        label={text('fromGallery')}
        hint={undefined}
        error={undefined}
        multiple={false}
        selected={[]}
        onChange={(ids) => {
          if (ids[0]) onPick(ids[0]);
          setOpen(false);
        }}
      />
      <button type="button" onClick={() => setOpen(false)}>
        {text('remove')}
      </button>
    </div>
  );
}

const INKS = ['#141414', '#c0392b', '#2471a3', '#1e8449', '#f1c40f', '#ffffff'];

/** "Draw it yourself": a canvas for a finger, a pen or the mouse; the drawing becomes the panel's picture. */
function DrawButton({ text, upload }: { text: StudioText; upload(file: File): Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [ink, setInk] = useState(INKS[0]!);
  const canvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<{ x: number; y: number } | null>(null);
  const clear = () => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !canvas.current) return;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.current.width, canvas.current.height);
  };
  useEffect(() => {
    if (open) clear();
  }, [open]);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {text('drawByHand')}
      </button>
    );
  const at = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * canvas.current!.width, y: ((e.clientY - r.top) / r.height) * canvas.current!.height };
  };
  const draw = (e: PointerEvent) => {
    const ctx = canvas.current?.getContext('2d');
    const from = last.current;
    if (!ctx || !from) return;
    const to = at(e);
    ctx.strokeStyle = ink;
    ctx.lineWidth = ink === '#ffffff' ? 28 : 7;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };
  const use = () =>
    canvas.current?.toBlob((blob) => {
      if (blob) void upload(new File([blob], 'drawing.png', { type: 'image/png' })).then(() => setOpen(false));
    }, 'image/png');
  return (
    <div class="stack drawing">
      <canvas
        ref={canvas}
        width={1200}
        height={900}
        class="drawing-canvas"
        aria-label={text('drawingCanvas')}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          last.current = at(e);
        }}
        onPointerMove={draw}
        onPointerUp={() => {
          last.current = null;
        }}
        onPointerCancel={() => {
          last.current = null;
        }}
      />
      <div class="row wrap" role="radiogroup" aria-label={text('colour')}>
        {INKS.map((c, i) => (
          <button
            key={c}
            type="button"
            role="radio"
            aria-checked={c === ink}
            aria-label={text('inks').split(',')[i]}
            class="swatch"
            style={{ background: c }}
            onClick={() => setInk(c)}
          />
        ))}
        <button type="button" onClick={clear}>
          {text('clearDrawing')}
        </button>
        <button type="button" class="primary" onClick={use}>
          {text('useDrawing')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {text('cancel')}
        </button>
      </div>
    </div>
  );
}

function ComicSettings({ doc, edit, text }: { doc: ComicContent; edit(change: (d: ComicContent) => void): void; text: StudioText }) {
  return (
    <details class="stack">
      <summary>
        {text('characters')} · {text('premise')} · {text('privacy')}
      </summary>
      <label class="stack">
        <span>{text('premise')}</span>
        <textarea
          value={doc.premise}
          maxLength={COMIC_LIMITS.premise}
          rows={3}
          onInput={(e) => {
            const v = e.currentTarget.value;
            edit((d) => {
              d.premise = v;
            });
          }}
        />
      </label>
      <label class="stack">
        <span>{text('privacy')}</span>
        <select
          value={doc.privacy}
          onChange={(e) => {
            const v = e.currentTarget.value as ComicContent['privacy'];
            edit((d) => {
              d.privacy = v;
            });
          }}
        >
          {COMIC_PRIVACY.map((p) => (
            <option key={p} value={p}>
              {text(`privacy.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <fieldset class="stack">
        <legend>{text('characters')}</legend>
        {doc.characters.map((ch, i) => (
          <div key={ch.id} class="row wrap">
            <input
              aria-label={text('characterName')}
              value={ch.name}
              maxLength={60}
              onInput={(e) => {
                const v = e.currentTarget.value;
                if (v.trim())
                  edit((d) => {
                    d.characters[i]!.name = v;
                  });
              }}
            />
            <input
              aria-label={text('characterLooks')}
              value={ch.description}
              maxLength={500}
              onInput={(e) => {
                const v = e.currentTarget.value;
                edit((d) => {
                  d.characters[i]!.description = v;
                });
              }}
            />
            <button
              type="button"
              onClick={() =>
                edit((d) => {
                  d.characters.splice(i, 1);
                  for (const p of d.pages.flatMap((g) => g.panels)) {
                    p.characters = p.characters.filter((x) => x !== ch.id);
                    for (const b of p.bubbles) if (b.speaker === ch.id) b.speaker = '';
                  }
                })
              }
            >
              {text('remove')}
            </button>
          </div>
        ))}
        <button
          type="button"
          disabled={doc.characters.length >= COMIC_LIMITS.characters}
          onClick={() =>
            edit((d) => {
              d.characters.push({
                id: newId('c'),
                name: `${text('characterName')} ${d.characters.length + 1}`,
                description: '',
                refMediaId: null,
                seed: Math.floor(Math.random() * 2 ** 31),
                style: '',
              });
            })
          }
        >
          {text('addCharacter')}
        </button>
      </fieldset>
    </details>
  );
}

/** The AI helpers, each one pipeline on the saved comic; what they change comes back as one undoable step. */
function Helpers({
  api,
  id,
  doc,
  panel,
  text,
  flush,
  reload,
}: {
  api: Api;
  id: number;
  doc: ComicContent;
  panel: ComicPanel | null;
  text: StudioText;
  flush(): Promise<void>;
  reload(): Promise<void>;
}) {
  const [running, setRunning] = useState<PipelineView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [photos, setPhotos] = useState<string[]>([]);
  const [comfy, setComfy] = useState(false);
  const [replaceTyped, setReplaceTyped] = useState(false);
  const poll = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    void api.get<{ agents: Array<{ availability: string; capabilities: string[] }> }>('/api/agents').then(
      (r) => setComfy(r.agents.some((a) => a.availability === 'online' && a.capabilities.includes('comfyui'))),
      () => setComfy(false),
    );
    return () => clearTimeout(poll.current);
  }, []);

  const follow = async (p: PipelineView) => {
    setRunning(p);
    if (p.status === 'running') {
      poll.current = setTimeout(() => void api.get<PipelineView>(`/api/pipelines/${p.id}`).then(follow, (e: Error) => setError(e.message)), 700);
      return;
    }
    await reload();
    if (p.status === 'succeeded') setRunning(null);
  };
  const start = async (body: Record<string, unknown>) => {
    setError(null);
    try {
      await flush();
      const p = await api.post<PipelineView>(`/api/comics/${id}/make`, { pictures: comfy ? 'generate' : 'photos', photoIds: photos, replaceTyped, ...body });
      await follow(p);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const failed = running?.steps.find((s) => s.status === 'failed' || s.status === 'cancelled');
  const hasEmpty = doc.pages.some((p) => p.panels.some((n) => !n.mediaId));

  return (
    <section class="stack helpers" aria-labelledby="helpers-title">
      <h2 id="helpers-title">{text('ai')}</h2>
      {!comfy && hasEmpty && (
        <MediaPicker id="ai-photos" label={text('photosForAi')} hint={text('makeHint')} error={undefined} multiple selected={photos} onChange={setPhotos} />
      )}
      <label class="row">
        <input type="checkbox" checked={replaceTyped} onChange={(e) => setReplaceTyped(e.currentTarget.checked)} />
        <span>{text('replaceTyped')}</span>
      </label>
      <div class="row wrap">
        <button type="button" disabled={!!running && running.status === 'running'} onClick={() => void start({ only: 'dialogue' })}>
          {text('writeDialogue')}
        </button>
        {panel && (
          <button type="button" disabled={!!running && running.status === 'running'} onClick={() => void start({ only: 'pictures', panelIds: [panel.id] })}>
            {text('drawIt')}
          </button>
        )}
        <button type="button" disabled={!!running && running.status === 'running'} onClick={() => void start({ only: 'pictures' })}>
          {text('drawAll')}
        </button>
        <button type="button" class="primary" disabled={!!running && running.status === 'running'} onClick={() => void start({ only: 'all' })}>
          {text('makeAll')}
        </button>
      </div>
      {running && running.status === 'running' && (
        <div class="stack">
          <ProgressBar fraction={running.fraction} label={running.title} stage={running.steps.find((s) => s.status === 'running')?.title} />
          <button
            type="button"
            onClick={() => void api.post<PipelineView>(`/api/pipelines/${running.id}/cancel`).then(follow, (e: Error) => setError(e.message))}
          >
            {text('cancel')}
          </button>
        </div>
      )}
      {failed && running && running.status !== 'running' && (
        <div class="stack">
          <ErrorNotice error={text('failedStep', { step: failed.title, error: failed.error ?? '' })} />
          <button
            type="button"
            onClick={() =>
              void api.post<PipelineView>(`/api/pipelines/${running.id}/steps/${failed.key}/retry`).then(follow, (e: Error) => setError(e.message))
            }
          >
            {text('retryStep')}
          </button>
        </div>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}

function Printing({
  api,
  id,
  version,
  render,
  pages,
  flush,
  text,
}: {
  api: Api;
  id: number;
  version: number;
  render: { jobId: string; version: number; status: string } | null;
  pages: number;
  flush(): Promise<void>;
  text: StudioText;
}) {
  const [job, setJob] = useState<JobView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const follow = (j: JobView) => {
    setJob(j);
    if (['queued', 'waiting_for_gpu', 'running'].includes(j.status)) {
      timer.current = setTimeout(() => void api.get<JobView>(`/api/jobs/${j.id}`).then(follow, (e: Error) => setError(e.message)), 700);
    }
  };
  const status = job?.status ?? render?.status;
  const ready = status === 'succeeded';
  return (
    <section class="stack" aria-labelledby="print-title">
      <h2 id="print-title">{text('download')}</h2>
      <button
        type="button"
        class="primary"
        onClick={() => {
          setError(null);
          void flush()
            .then(() => api.post<JobView>(`/api/comics/${id}/render`))
            .then(follow, (e: Error) => setError(e.message));
        }}
      >
        {text('print')}
      </button>
      {job && status !== 'succeeded' && status !== 'failed' && (
        <ProgressBar fraction={job.progress?.fraction ?? 0} label={text('printing')} stage={job.progress?.stage} />
      )}
      {job?.status === 'failed' && <ErrorNotice error={job.error} />}
      {ready && (
        <>
          {!job && render && render.version !== version && <p class="hint">{text('outdated')}</p>}
          <ul class="row wrap plain downloads">
            {Array.from({ length: pages }, (_, i) => (
              <li key={i}>
                <a href={`/api/comics/${id}/export?format=png&page=${i + 1}`}>{text('downloadPng', { n: i + 1 })}</a>
              </li>
            ))}
            <li>
              <a href={`/api/comics/${id}/export?format=pdf`}>{text('downloadPdf')}</a>
            </li>
            <li>
              <a href={`/api/comics/${id}/export?format=cbz`}>{text('downloadCbz')}</a>
            </li>
          </ul>
        </>
      )}
      <ErrorNotice error={error} />
    </section>
  );
}
