/**
 * Locale state: Simplified Chinese by default, English on request, remembered in localStorage and reflected in
 * <html lang> so screen readers pronounce the page in the right language.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LOCALES, MESSAGES, type Locale, type Translate } from './messages';
import type { Bilingual } from '../../../contracts/common';

export type { Locale, MessageKey, Translate } from './messages';

const STORAGE_KEY = 'childsafe.locale';
const HTML_LANG: Record<Locale, string> = { zh: 'zh-CN', en: 'en' };
const INTL_LOCALE: Record<Locale, string> = { zh: 'zh-CN', en: 'en-GB' };

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
  /** Picks the current language from a { zh, en } pair the API sent; plain strings pass through. */
  pick(text: Bilingual | string | undefined | null): string;
  formatDateTime(iso: string | undefined | null): string;
  formatDate(iso: string | undefined | null): string;
  formatTime(iso: string | undefined | null): string;
}

function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v && (LOCALES as readonly string[]).includes(v)) return v as Locale;
  } catch {
    // Storage can be disabled (private mode): the default applies.
  }
  return 'zh';
}

export function interpolate(template: string, values?: Record<string, string | number>): string {
  if (!values) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(storedLocale);

  useEffect(() => {
    document.documentElement.lang = HTML_LANG[locale];
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Not remembered; still switched for this visit.
    }
  }, []);

  const value = useMemo<I18n>(() => {
    const table = MESSAGES[locale];
    const dateTime = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short' });
    const date = new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium' });
    const time = new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeStyle: 'short' });
    const fmt = (f: Intl.DateTimeFormat, iso: string | undefined | null) => {
      if (!iso) return '—';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? iso : f.format(d);
    };
    return {
      locale,
      setLocale,
      // A key the table lacks (a code the API added later) shows as itself rather than breaking the page.
      t: (key, values) => interpolate((table as Record<string, string>)[key] ?? key, values),
      pick: (text) => (text == null ? '' : typeof text === 'string' ? text : text[locale] || text.zh),
      formatDateTime: (iso) => fmt(dateTime, iso),
      formatDate: (iso) => fmt(date, iso),
      formatTime: (iso) => fmt(time, iso),
    };
  }, [locale, setLocale]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
