import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { COMIC_LAYOUT_NAMES, COMIC_PAGE, ComicContent, comicProblems, cropWindow, emptyComic, layoutSlots, slotCount } from './comics.js';

describe('comic layouts', () => {
  it('places every slot inside the margins, without overlaps, with a gutter between neighbours', () => {
    for (const name of COMIC_LAYOUT_NAMES) {
      const slots = layoutSlots(name);
      expect(slots).toHaveLength(slotCount(name));
      for (const s of slots) {
        expect(s.x).toBeGreaterThanOrEqual(COMIC_PAGE.margin - 1e-9);
        expect(s.x + s.w).toBeLessThanOrEqual(1 - COMIC_PAGE.margin + 1e-9);
        expect(s.y + s.h).toBeLessThanOrEqual(1 - COMIC_PAGE.margin / COMIC_PAGE.aspect + 1e-9);
      }
      for (const a of slots)
        for (const b of slots) {
          if (a === b) continue;
          const apartX = a.x + a.w + COMIC_PAGE.gutter - 1e-9 <= b.x || b.x + b.w + COMIC_PAGE.gutter - 1e-9 <= a.x;
          const apartY = a.y + a.h < b.y || b.y + b.h < a.y;
          expect(apartX || apartY, `${name}: slots overlap`).toBe(true);
        }
    }
  });
});

describe('cropWindow', () => {
  it('covers the frame at zoom 1 and keeps the focus point centred where the edges allow', () => {
    const w = cropWindow({ width: 400, height: 200 }, { width: 100, height: 100 }, { x: 0.5, y: 0.5, zoom: 1 });
    expect(w).toMatchObject({ scale: 0.5, width: 200, height: 100, left: 50, top: 0 });
    const edge = cropWindow({ width: 400, height: 200 }, { width: 100, height: 100 }, { x: 0, y: 0, zoom: 2 });
    expect(edge).toMatchObject({ width: 400, height: 200, left: 0, top: 0 });
    const far = cropWindow({ width: 400, height: 200 }, { width: 100, height: 100 }, { x: 1, y: 1, zoom: 2 });
    expect(far).toMatchObject({ left: 300, top: 100 });
  });
});

describe('comicProblems', () => {
  const comic = (): ComicContent => {
    const c = emptyComic('Test', 'two');
    c.characters.push({ id: 'mum', name: 'Mum', description: '', refMediaId: null, seed: 1, style: '' });
    c.pages[0]!.panels[0]!.bubbles.push({
      id: 'b1',
      kind: 'speech',
      speaker: 'mum',
      text: 'Hi',
      x: 0.1,
      y: 0.1,
      w: 0.5,
      h: 0.3,
      tail: { x: 0.2, y: 0.9 },
      byHand: true,
    });
    return c;
  };

  it('finds nothing wrong with a sound comic, which also matches the schema', () => {
    expect(Value.Check(ComicContent, comic())).toBe(true);
    expect(comicProblems(comic())).toEqual([]);
  });

  it('names the field of a bubble outside its panel, a missing slot, an unknown speaker and a duplicate id', () => {
    const c = comic();
    c.pages[0]!.panels[0]!.bubbles[0]!.x = 0.7;
    expect(comicProblems(c)).toEqual([{ field: 'pages.0.panels.0.bubbles.0.w', message: 'the bubble reaches past the right edge of its panel' }]);
    const d = comic();
    d.pages[0]!.panels[1]!.slot = 2;
    d.pages[0]!.panels[0]!.bubbles[0]!.speaker = 'dad';
    d.pages[0]!.panels[0]!.bubbles.push({ ...d.pages[0]!.panels[0]!.bubbles[0]!, speaker: '' });
    expect(comicProblems(d).map((p) => p.field)).toEqual(['pages.0.panels.0.bubbles.0.speaker', 'pages.0.panels.0.bubbles.1.id', 'pages.0.panels.1.slot']);
  });
});
