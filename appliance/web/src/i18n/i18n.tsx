import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { en, type MessageKey } from './en.js';
import { pl } from './pl.js';

export type Lang = 'en' | 'pl';
export const LANGS: Record<Lang, Record<MessageKey, string>> = { en, pl };
const KEY = 'hearth.lang';

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Keys with plural forms: `<base>.one|few|many|other` (Intl.PluralRules categories English and Polish use). */
type PluralBase = MessageKey extends infer K ? (K extends `${infer B}.other` ? B : never) : never;
export type TranslateCount = (base: PluralBase, n: number, params?: Record<string, string | number>) => string;

/** `tn('gallery.files', 3)` picks "3 pliki" or "5 plików" by the language's plural rules; `{n}` is the count. */
export function pluralizer(lang: Lang, t: Translate): TranslateCount {
  const rules = new Intl.PluralRules(lang);
  return (base, n, params) => {
    const form = rules.select(n);
    const key = (`${base}.${form}` in LANGS[lang] ? `${base}.${form}` : `${base}.other`) as MessageKey;
    return t(key, { n, ...params });
  };
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** A message with a count, in the language's plural form. */
  tn: TranslateCount;
  /** A message by a key built at run time (field names from schemas), or undefined. */
  maybe(key: string): string | undefined;
  /** Dates and numbers in the chosen language. */
  formatDate(ms: number): string;
}

/** The stored choice, else the browser's language, else English. */
export function initialLang(): Lang {
  const stored = localStorage.getItem(KEY);
  if (stored === 'en' || stored === 'pl') return stored;
  return navigator.languages?.some((l) => l.toLowerCase().startsWith('pl')) || navigator.language?.toLowerCase().startsWith('pl') ? 'pl' : 'en';
}

export function translator(lang: Lang): Translate {
  const messages = LANGS[lang];
  return (key, params) => {
    const text = messages[key] ?? en[key] ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`)) : text;
  };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    // The installed app's name follows the portal's language (one manifest per language).
    document.querySelector('link[rel="manifest"]')?.setAttribute('href', lang === 'pl' ? '/manifest.pl.webmanifest' : '/manifest.webmanifest');
  }, [lang]);
  const setLang = (l: Lang) => {
    localStorage.setItem(KEY, l);
    setLangState(l);
  };
  const dateFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const t = translator(lang);
  const value: I18n = {
    lang,
    setLang,
    t,
    tn: pluralizer(lang, t),
    maybe: (key) => (LANGS[lang] as Record<string, string>)[key],
    formatDate: (ms) => dateFormat.format(ms),
  };
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
