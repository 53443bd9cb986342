import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { pl } from './pl.js';
import { translator } from './i18n.js';
import { conditionText } from '../tiles/weather.js';

const placeholders = (s: string) =>
  [...s.matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join();
/** The same word in both languages. */
const SAME_IN_BOTH = new Set<string>();

describe('the wall display’s catalogues', () => {
  it('have the same keys, the same {placeholders}, and nothing left in English in Polish', () => {
    expect(Object.keys(pl).sort()).toEqual(Object.keys(en).sort());
    const en_ = en as Record<string, string>;
    const pl_ = pl as Record<string, string>;
    expect(Object.keys(en).filter((k) => placeholders(en_[k]!) !== placeholders(pl_[k]!))).toEqual([]);
    expect(Object.keys(en).filter((k) => !SAME_IN_BOTH.has(k) && en_[k] === pl_[k])).toEqual([]);
  });

  it('speak the layout’s language, with Polish plural forms and HA’s weather conditions translated', () => {
    const t = translator('pl-PL');
    expect(t('pair.title')).toBe('Sparuj ten ekran');
    expect(t('status.staleSince', { time: '9:05' })).toBe('brak wieści od 9:05');
    expect([1, 3, 5, 22].map((n) => t.plural('agents.cpuHelpers', n))).toEqual([
      '1 pomocnik na CPU',
      '3 pomocnicy na CPU',
      '5 pomocników na CPU',
      '22 pomocnicy na CPU',
    ]);
    expect(conditionText('partlycloudy', t)).toBe('Częściowe zachmurzenie');
    // A condition HA adds one day still shows, as HA names it.
    expect(conditionText('sandstorm', t)).toBe('sandstorm');
    const e = translator('en-GB');
    expect(e.plural('agents.cpuHelpers', 1)).toBe('1 helper on CPU');
    expect(conditionText('snowy-rainy', e)).toBe('Sleet');
    expect(translator('de-DE')('jobs.none')).toBe('Nothing in the works');
  });
});
