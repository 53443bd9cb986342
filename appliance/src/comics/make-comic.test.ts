import { describe, expect, it } from 'vitest';
import { emptyComic, type ComicContent } from '@hearth/protocol';
import { fillDialogue, makeComicSteps, type MakeComicInput } from './make-comic.js';

const comic = (): ComicContent => {
  const c = emptyComic('Test', 'three');
  c.characters.push({ id: 'mia', name: 'Mia', description: '', refMediaId: null, seed: 1, style: '' });
  c.pages[0]!.panels[1]!.bubbles.push({
    id: 'typed',
    kind: 'speech',
    speaker: 'mia',
    text: 'My own words',
    x: 0.1,
    y: 0.1,
    w: 0.3,
    h: 0.2,
    tail: null,
    byHand: true,
  });
  return c;
};
const dialogue = {
  panels: [0, 1, 2].map((index) => ({
    index,
    lines: [
      { speaker: 'mia', text: `Line ${index}` },
      { speaker: 'Narrator', text: 'Later…' },
    ],
  })),
};
const input = (o: Partial<MakeComicInput> = {}): MakeComicInput => ({
  comicId: 1,
  only: 'all',
  pictures: 'photos',
  photoIds: ['a'.repeat(64)],
  replaceTyped: false,
  ...o,
});

describe('fillDialogue', () => {
  it('fills panels with bubbles (speakers by name, unknown voices as captions) and keeps typed ones unless asked', () => {
    const c = comic();
    fillDialogue(c, dialogue, false);
    const [a, b, d] = c.pages[0]!.panels;
    expect(a!.bubbles.map((x) => [x.kind, x.speaker, x.text, x.byHand])).toEqual([
      ['speech', 'mia', 'Line 0', false],
      ['caption', '', 'Later…', false],
    ]);
    expect(a!.bubbles[1]!.tail).toBeNull();
    expect(b!.bubbles.map((x) => x.text)).toEqual(['My own words']);
    expect(d!.bubbles).toHaveLength(2);
    fillDialogue(c, dialogue, true);
    expect(c.pages[0]!.panels[1]!.bubbles.map((x) => x.text)).toEqual(['Line 1', 'Later…']);
  });
});

describe('makeComicSteps', () => {
  it('runs the dialogue and the missing pictures side by side, then the page', () => {
    const steps = makeComicSteps(comic(), input());
    expect(steps.map((s) => [s.key, s.jobType, s.needs])).toEqual([
      ['dialogue', 'text.dialogue', []],
      ['picture-p1-1', 'image.comic-look', []],
      ['picture-p1-2', 'image.comic-look', []],
      ['picture-p1-3', 'image.comic-look', []],
      ['render', 'comic.render', ['dialogue', 'picture-p1-1', 'picture-p1-2', 'picture-p1-3']],
    ]);
  });

  it('one helper alone: the dialogue, or named panels drawn with ComfyUI; no page', () => {
    expect(makeComicSteps(comic(), input({ only: 'dialogue' })).map((s) => s.key)).toEqual(['dialogue']);
    expect(makeComicSteps(comic(), input({ only: 'pictures', pictures: 'generate', panelIds: ['p1-2'] })).map((s) => [s.key, s.jobType])).toEqual([
      ['picture-p1-2', 'image.generate'],
    ]);
    const withPhoto = comic();
    withPhoto.pages[0]!.panels[0]!.mediaId = 'b'.repeat(64);
    expect(makeComicSteps(withPhoto, input({ only: 'pictures', pictures: 'generate', panelIds: ['p1-1'] })).map((s) => s.jobType)).toEqual(['image.stylize']);
  });

  it('says what is wrong: an unknown panel, no photos for empty panels', () => {
    expect(() => makeComicSteps(comic(), input({ panelIds: ['nope'] }))).toThrow(/body\.panelIds/);
    expect(() => makeComicSteps(comic(), input({ photoIds: [] }))).toThrow(/body\.photoIds/);
  });
});
