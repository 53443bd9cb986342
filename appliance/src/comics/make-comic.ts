import { Value } from '@sinclair/typebox/value';
import {
  COMIC_LIMITS,
  DEFAULT_CROP,
  DialogueResult,
  renderInputOf,
  type ComicBubble,
  type ComicContent,
  type ComicPanel,
  type JobInput,
} from '@hearth/protocol';
import { badRequest } from '../http/errors.js';
import type { MediaService } from '../media/media-service.js';
import type { PipelineKind } from '../pipelines/pipeline-service.js';
import type { NewStep } from '../pipelines/pipeline-store.js';
import type { ComicService } from './comic-service.js';

/** "Make the whole comic for me", or one helper of it: what the family chose. */
export interface MakeComicInput {
  comicId: number;
  /** Everything (then the page is drawn), or only the dialogue, or only pictures. */
  only: 'all' | 'dialogue' | 'pictures';
  /** Pictures for these panels (even those that have one); none named: every empty panel. */
  panelIds?: string[];
  /** Draw pictures with ComfyUI, or give photos a comic look (no GPU needed). */
  pictures: 'generate' | 'photos';
  /** Photos for empty panels, in turn; a panel that has a picture restyles its own. */
  photoIds: string[];
  /** Also replace bubbles a person typed. */
  replaceTyped: boolean;
  tone?: string;
}

export const MAKE_COMIC = 'comic.make';
/** The dialogue job writes for at most this many panels (its contract's limit). */
const DIALOGUE_PANELS = 12;

const allPanels = (c: ComicContent): ComicPanel[] => c.pages.flatMap((p) => p.panels);

/** The steps: the dialogue and the pictures side by side, then (for the whole comic) the page drawn from all of them. */
export function makeComicSteps(content: ComicContent, input: MakeComicInput): NewStep[] {
  const panels = allPanels(content);
  if (panels.length === 0) throw badRequest('The comic has no panels to fill');
  const unknown = input.panelIds?.find((id) => !panels.some((p) => p.id === id));
  if (unknown) throw badRequest(`body.panelIds: no panel has the id "${unknown}"`);
  const dialogue = input.only !== 'pictures';
  if (dialogue && panels.length > DIALOGUE_PANELS)
    throw badRequest(`The dialogue is written for up to ${DIALOGUE_PANELS} panels; this comic has ${panels.length}`);
  const drawn = input.only === 'dialogue' ? [] : panels.filter((p) => (input.panelIds ? input.panelIds.includes(p.id) : !p.mediaId));
  if (input.pictures === 'photos' && input.photoIds.length === 0 && drawn.some((p) => !p.mediaId))
    throw badRequest('body.photoIds: choose at least one photo for the empty panels');
  // With ComfyUI a panel's own photo is restyled, an empty panel drawn from words; without it, photos get the comic look.
  const pictures: NewStep[] = drawn.map((p) => ({
    key: `picture-${p.id}`,
    title: `Picture for panel ${panels.indexOf(p) + 1}`,
    needs: [],
    jobType: input.pictures === 'photos' ? 'image.comic-look' : p.mediaId ? 'image.stylize' : 'image.generate',
  }));
  if (!dialogue && pictures.length === 0) throw badRequest('Every panel has a picture already: name the panels to draw again');
  const steps: NewStep[] = [...(dialogue ? [{ key: 'dialogue', title: 'Write the dialogue', jobType: 'text.dialogue' as const, needs: [] }] : []), ...pictures];
  if (input.only === 'all') steps.push({ key: 'render', title: 'Draw the page', jobType: 'comic.render', needs: steps.map((s) => s.key) });
  return steps;
}

/** The comic pipeline kind: builds each step's job from the comic as it is now, and writes results back into it. */
export function makeComicKind(comics: ComicService, media: MediaService): PipelineKind<MakeComicInput> {
  const current = (id: number) => {
    const row = comics.store.get(id);
    if (!row || row.deleted_at !== null) throw badRequest('The comic was deleted');
    return comics.store.content(row);
  };
  const panelOf = (content: ComicContent, key: string) => allPanels(content).find((p) => `picture-${p.id}` === key);

  return {
    kind: MAKE_COMIC,

    // Only a run that drew the pages made a comic ("your comic is ready"); dialogue or pictures alone are a step of the work.
    page(row) {
      const input = JSON.parse(row.input) as MakeComicInput;
      return {
        name: comics.store.get(input.comicId)?.title ?? row.title,
        notice: input.only === 'all' ? 'comicReady' : null,
        path: `/comics/${input.comicId}`,
      };
    },

    jobFor(step, { input }) {
      const content = current(input.comicId);
      if (step.key === 'dialogue') return { input: dialogueInput(content, input.tone), title: `Dialogue: ${content.title}`.slice(0, 120) };
      if (step.key === 'render') {
        const render = renderInputOf(content);
        for (const page of render.pages) for (const p of page.panels) if (p.mediaId && !media.get(p.mediaId)) p.mediaId = null;
        return { input: render, title: `Comic: ${content.title}`.slice(0, 120) };
      }
      const panel = panelOf(content, step.key);
      if (!panel) throw badRequest(`The panel of step ${step.key} was removed from the comic`);
      const index = allPanels(content).indexOf(panel);
      if (step.job_type === 'image.comic-look') {
        const photo = panel.mediaId ?? input.photoIds[index % input.photoIds.length];
        if (!photo) throw badRequest(`Panel ${index + 1} has no photo to give a comic look`);
        const job: JobInput<'image.comic-look'> = { mediaId: photo, colours: 16, lines: 0.6 };
        return { input: job, title: `Comic look for panel ${index + 1}` };
      }
      const cast = content.characters.filter((c) => panel.characters.includes(c.id));
      const who = (cast.length ? cast : content.characters).slice(0, 3);
      const prompt = [
        panel.prompt || content.premise || content.title,
        ...who.map((c) => `${c.name}: ${c.description}`),
        who[0]?.style ?? 'comic book style, clean lines',
      ]
        .filter(Boolean)
        .join('. ')
        .slice(0, 2000);
      const seed = who[0] ? { seed: who[0].seed } : {};
      if (step.job_type === 'image.stylize' && panel.mediaId) {
        const job: JobInput<'image.stylize'> = { mediaId: panel.mediaId, prompt, strength: 0.6, steps: 25, ...seed };
        return { input: job, title: `Restyle panel ${index + 1}` };
      }
      const job: JobInput<'image.generate'> = { prompt, width: 768, height: 768, steps: 25, ...seed };
      return { input: job, title: `Picture for panel ${index + 1}` };
    },

    onSubmitted(step, jobId, { input }) {
      if (step.key !== 'render') return;
      const row = comics.store.get(input.comicId);
      if (row) comics.store.setRender(row.id, jobId, row.version);
    },

    apply(step, result, { input, owner }) {
      if (step.key === 'render') return;
      if (step.key === 'dialogue') {
        if (!Value.Check(DialogueResult, result.data)) throw new Error('the dialogue job returned something that is not dialogue');
        const data = result.data;
        comics.amend(owner, input.comicId, 'comics.dialogue-written', (c) => fillDialogue(c, data, input.replaceTyped));
        return;
      }
      const picture = result.mediaIds[0];
      if (!picture) throw new Error(`step ${step.key} made no picture`);
      comics.amend(owner, input.comicId, 'comics.picture-drawn', (c) => {
        const panel = panelOf(c, step.key);
        if (panel) Object.assign(panel, { mediaId: picture, crop: { ...DEFAULT_CROP } });
      });
    },
  };
}

function dialogueInput(c: ComicContent, tone: string | undefined): JobInput<'text.dialogue'> {
  const cast = c.characters.slice(0, 6);
  const characters = cast.length ? cast.map((ch) => ({ name: ch.name, description: ch.description })) : [{ name: 'Narrator', description: 'tells the story' }];
  const panels = allPanels(c);
  return {
    characters,
    panels: panels.map((p, i) => ({
      description: (p.prompt || `${c.premise || c.title} (part ${i + 1} of ${panels.length})`).slice(0, 1000),
      characters: cast.filter((ch) => p.characters.includes(ch.id)).map((ch) => ch.name),
    })),
    ...(tone ? { tone: tone.slice(0, 200) } : {}),
  };
}

/**
 * The written lines become bubbles, two per row, alternating sides, tails pointing down into
 * the picture. Panels with bubbles a person typed keep them unless `replaceTyped`.
 */
export function fillDialogue(c: ComicContent, dialogue: DialogueResult, replaceTyped: boolean): void {
  const panels = allPanels(c);
  const byName = new Map(c.characters.map((ch) => [ch.name.toLowerCase(), ch.id]));
  for (const written of dialogue.panels) {
    const panel = panels[written.index];
    if (!panel) continue;
    if (!replaceTyped && panel.bubbles.some((b) => b.byHand)) continue;
    const lines = written.lines.slice(0, COMIC_LIMITS.bubblesPerPanel);
    panel.bubbles = lines.map((line, i): ComicBubble => {
      const speaker = byName.get(line.speaker.toLowerCase()) ?? '';
      const left = i % 2 === 0;
      const x = left ? 0.04 : 0.5;
      const y = 0.04 + Math.floor(i / 2) * 0.26;
      return {
        id: `${panel.id}-ai${i + 1}`,
        kind: speaker ? 'speech' : 'caption',
        speaker,
        text: line.text.slice(0, COMIC_LIMITS.bubbleText),
        x,
        y,
        w: 0.46,
        h: 0.22,
        tail: speaker ? { x: left ? x + 0.12 : x + 0.34, y: Math.min(0.96, y + 0.42) } : null,
        byHand: false,
      };
    });
  }
}
