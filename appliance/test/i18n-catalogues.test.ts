import { describe, expect, it } from 'vitest';
import { en } from '../web/src/i18n/en.js';
import { pl } from '../web/src/i18n/pl.js';
import { pluralizer, translator } from '../web/src/i18n/i18n.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** Words that are the same in both languages (names, units, words Polish borrowed). */
const SAME_IN_BOTH = new Set([
  'app.name',
  'progress.percent',
  'admin.homeAssistant',
  'admin.wakeOnLan',
  'device.home-assistant',
  'field.format',
  'admin.mqttAs',
  'trust.android',
  'trust.windows',
  'trust.macos',
  'backends.kind.ollama',
]);

describe('the portal’s catalogues', () => {
  it('have the same keys, and each Polish message the same {placeholders} as the English one', () => {
    expect(Object.keys(pl).sort()).toEqual(Object.keys(en).sort());
    const differ = Object.entries(en).filter(([k, v]) => placeholders(v).join() !== placeholders((pl as Record<string, string>)[k] ?? '').join());
    expect(differ.map(([k]) => k)).toEqual([]);
  });

  it('have nothing left in English in the Polish catalogue', () => {
    const untranslated = Object.entries(en).filter(([k, v]) => !SAME_IN_BOTH.has(k) && (pl as Record<string, string>)[k] === v);
    expect(untranslated.map(([k]) => k)).toEqual([]);
  });

  it('give every plural message the forms Intl.PluralRules asks for, and pick them by count', () => {
    const bases = new Set(
      Object.keys(en)
        .filter((k) => /\.(one|few|many|other)$/.test(k))
        .map((k) => k.replace(/\.\w+$/, '')),
    );
    expect(bases.size).toBeGreaterThan(0);
    for (const base of bases) for (const form of ['one', 'few', 'many', 'other']) expect(Object.keys(en)).toContain(`${base}.${form}`);
    const tn = pluralizer('pl', translator('pl'));
    expect([1, 2, 5, 22, 25, 1.5].map((n) => tn('result.pages', n))).toEqual(['1 strona', '2 strony', '5 stron', '22 strony', '25 stron', '1.5 strony']);
    expect([1, 3].map((n) => pluralizer('en', translator('en'))('result.pages', n))).toEqual(['1 page', '3 pages']);
  });
});
