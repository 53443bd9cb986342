import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en } from './en.js';
import { pl } from './pl.js';

export type MessageKey = keyof typeof en;
export type Vars = Record<string, string | number>;
export interface Translate {
  (key: MessageKey, vars?: Vars): string;
  /** The plural form `base.one|few|many|other` for `n` (given to the message as `{n}`). */
  plural: (base: string, n: number) => string;
  /** The locale dates and times are written in. */
  locale: string;
}

export const LANGUAGES = { en, pl } as const;
export type Language = keyof typeof LANGUAGES;

/** Polish when the layout's locale (or, before pairing, the browser's) is Polish; English otherwise. */
export const languageOf = (locale: string): Language => (locale.toLowerCase().startsWith('pl') ? 'pl' : 'en');

export function translator(locale: string): Translate {
  const table: Record<string, string> = LANGUAGES[languageOf(locale)];
  const fill = (s: string, vars?: Vars) => (vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s);
  const rules = new Intl.PluralRules(languageOf(locale));
  const t = ((key: MessageKey, vars?: Vars) => fill(table[key] ?? key, vars)) as Translate;
  t.plural = (base, n) => fill(table[`${base}.${rules.select(n)}`] ?? table[`${base}.other`] ?? base, { n });
  t.locale = locale;
  return t;
}

export const I18n = createContext<Translate>(translator('en'));
export const useT = () => useContext(I18n);
