import { useEffect, useRef, useState } from 'preact/hooks';
import { comicEtag, type ComicContent, type ComicView } from '@hearth/protocol';
import { ApiError, type Api } from '../api.js';

export type SaveState = 'saved' | 'dirty' | 'saving' | 'conflict' | 'failed';

const contentOf = (v: ComicView): ComicContent => ({ title: v.title, premise: v.premise, privacy: v.privacy, characters: v.characters, pages: v.pages });
const AUTOSAVE_MS = 700;
const HISTORY = 100;

/**
 * One comic being edited: the document, undo/redo, and autosave with the ETag. A save that
 * finds someone else's newer version stops and hands both to the person (`conflict`).
 */
export function useComicDoc(api: Api, id: number) {
  const [view, setView] = useState<ComicView | null>(null);
  const [doc, setDocState] = useState<ComicContent | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [state, setState] = useState<SaveState>('saved');
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<ComicView | null>(null);
  const current = useRef<ComicContent | null>(null);
  const etag = useRef('');
  const past = useRef<ComicContent[]>([]);
  const future = useRef<ComicContent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const saving = useRef<Promise<void> | null>(null);
  /** A gesture (drag) records one undo step for all its moves. */
  const gesture = useRef(false);
  const gestureStarted = useRef(false);
  const lastSaved = useRef<ComicContent | null>(null);

  const show = (next: ComicContent) => {
    current.current = next;
    setDocState(next);
  };

  const load = async () => {
    try {
      const r = await api.exchange<ComicView>('GET', `/api/comics/${id}`);
      etag.current = r.etag ?? comicEtag(r.json.id, r.json.version);
      setView(r.json);
      const loaded = contentOf(r.json);
      lastSaved.current = loaded;
      show(loaded);
    } catch (e) {
      setLoadError((e as Error).message);
    }
  };
  useEffect(() => {
    void load();
    return () => clearTimeout(timer.current);
  }, [id]);

  const save = async (): Promise<void> => {
    if (saving.current) await saving.current;
    const body = current.current;
    if (!body) return;
    if (body === lastSaved.current) {
      // Undone back to what the appliance has: nothing to send.
      clearTimeout(timer.current);
      setState('saved');
      return;
    }
    clearTimeout(timer.current);
    setState('saving');
    const run = (async () => {
      try {
        const r = await api.exchange<ComicView>('PUT', `/api/comics/${id}`, body, { 'if-match': etag.current });
        etag.current = r.etag ?? comicEtag(id, r.json.version);
        lastSaved.current = body;
        setView(r.json);
        setSaveError(null);
        setState(current.current === body ? 'saved' : 'dirty');
        if (current.current !== body) schedule();
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) {
          setConflict((e.body as { current: ComicView }).current);
          setState('conflict');
        } else {
          setSaveError((e as Error).message);
          setState('failed');
        }
      }
    })();
    saving.current = run;
    await run;
    saving.current = null;
  };

  const schedule = () => {
    setState((s) => (s === 'conflict' ? s : 'dirty'));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
  };

  /** Apply a change as one undoable step (or as part of the running gesture). */
  const edit = (change: (draft: ComicContent) => void) => {
    const before = current.current;
    if (!before) return;
    const next = structuredClone(before);
    change(next);
    // A gesture records the state before its first move only.
    if (!gesture.current || !gestureStarted.current) {
      past.current = [...past.current.slice(-HISTORY + 1), before];
      future.current = [];
      if (gesture.current) gestureStarted.current = true;
    }
    show(next);
    if (!gesture.current) schedule();
  };

  return {
    view,
    doc,
    loadError,
    state,
    saveError,
    conflict,
    edit,
    /** Start a drag: its moves are one undo step, saved when it ends. */
    beginGesture() {
      gesture.current = true;
      gestureStarted.current = false;
    },
    endGesture() {
      const moved = gestureStarted.current;
      gesture.current = false;
      gestureStarted.current = false;
      if (moved) schedule();
    },
    canUndo: past.current.length > 0,
    canRedo: future.current.length > 0,
    undo() {
      const prev = past.current.at(-1);
      if (!prev || !current.current) return;
      past.current = past.current.slice(0, -1);
      future.current = [current.current, ...future.current];
      show(prev);
      schedule();
    },
    redo() {
      const next = future.current[0];
      if (!next || !current.current) return;
      future.current = future.current.slice(1);
      past.current = [...past.current, current.current];
      show(next);
      schedule();
    },
    /** Someone saved first: keep ours (save over theirs) or take theirs (undoable). */
    resolve(choice: 'mine' | 'theirs') {
      if (!conflict) return;
      etag.current = comicEtag(conflict.id, conflict.version);
      setView(conflict);
      setConflict(null);
      if (choice === 'theirs') {
        if (current.current) past.current = [...past.current, current.current];
        const theirs = contentOf(conflict);
        lastSaved.current = theirs;
        show(theirs);
        setState('saved');
      } else {
        setState('dirty');
        void save();
      }
    },
    /** Save now (before a helper works on the saved comic). */
    flush: save,
    /** The server changed the comic (a helper finished): take its version as one undoable step. */
    async reloadFromServer() {
      const before = current.current;
      const r = await api.exchange<ComicView>('GET', `/api/comics/${id}`);
      etag.current = r.etag ?? comicEtag(r.json.id, r.json.version);
      setView(r.json);
      if (before) {
        past.current = [...past.current, before];
        future.current = [];
      }
      const fresh = contentOf(r.json);
      lastSaved.current = fresh;
      show(fresh);
    },
  };
}
