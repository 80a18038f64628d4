import { DEFAULT_LOCALE, LOCALE_DIRECTION, LocaleSchema, SUPPORTED_LOCALES, type Locale } from '@amtsraum/shared';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { NAMESPACES, resources } from '../locales/resources';
import { detectLocale } from './detect-locale';

const STORAGE_KEY = 'amtsraum.locale';

function readSavedLocale(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (privacy settings): fall back to the browser's languages
  }
}

/** Remembers the visitor's explicit choice; detection is only for those who never chose. */
export function saveLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // not fatal: the choice then lasts for this page only
  }
}

/** The language the interface shows now, as a supported locale. */
export function currentLocale(): Locale {
  const parsed = LocaleSchema.safeParse(i18next.resolvedLanguage ?? i18next.language);
  return parsed.success ? parsed.data : DEFAULT_LOCALE;
}

function applyToDocument(language: string): void {
  const parsed = LocaleSchema.safeParse(language);
  const locale = parsed.success ? parsed.data : DEFAULT_LOCALE;
  document.documentElement.lang = locale;
  document.documentElement.dir = LOCALE_DIRECTION[locale];
}

export function initI18n(): typeof i18next {
  i18next.on('languageChanged', applyToDocument);
  void i18next.use(initReactI18next).init({
    resources,
    lng: detectLocale(readSavedLocale(), navigator.languages),
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: [...NAMESPACES],
    defaultNS: 'common',
    // Resources are bundled, so the first render already has every string.
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  return i18next;
}
