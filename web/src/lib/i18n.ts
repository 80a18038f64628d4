import { DEFAULT_LOCALE, LOCALE_DIRECTION, LocaleSchema, SUPPORTED_LOCALES, type Locale } from '@amtsraum/shared';
import i18next, { type BackendModule } from 'i18next';
import { initReactI18next } from 'react-i18next';
import deCommon from '../locales/de/common.json';
import deDirectory from '../locales/de/directory.json';
import type { Namespace } from '../locales/namespaces';
import { detectLocale } from './detect-locale';

const STORAGE_KEY = 'amtsraum.locale';

/**
 * The namespaces of the first page: the layout and ui/ (`common`, `errors`) and the directory
 * (the door pages). German's `common` and `directory` ship in the first download; `errors` is
 * fetched at start beside it, as the page needs it only when something fails (issue 14: the door
 * page's budget; components that show an error wait for it in Suspense). Every other namespace loads with the
 * feature that uses it (`lazyPage`), so a language costs only what the visitor's pages need
 * (issue 14: the door page's JavaScript budget).
 */
const START_NAMESPACES = ['common', 'errors', 'directory'] as const satisfies readonly Namespace[];

type Bundles = Record<string, () => Promise<{ default: Record<string, unknown> }>>;

/**
 * German's namespaces, one chunk each, fetched on first use. Its first-page namespaces are left
 * out: they are in the first download (`resources` below; i18next asks the backend only for
 * bundles it lacks), and a file both imported and in the glob would ship as a module object with
 * a getter per key. The other languages' chunks are listed in a module of their own, loaded when
 * a visitor first needs one of them (locales/other-languages.ts).
 */
const germanBundles: Bundles = import.meta.glob<{ default: Record<string, unknown> }>(
  ['./de/*.json', '!./de/common.json', '!./de/directory.json'],
  { base: '../locales' },
);

/**
 * Every namespace but the first page's (loaded at start): German has them all, as chunks
 * (`./de/admin.json` → `admin`).
 */
export function everyNamespace(): Namespace[] {
  return Object.keys(germanBundles).map((key) => key.slice(5, -5) as Namespace);
}

let otherBundles: Promise<Bundles> | undefined;

function bundlesOf(language: string): Promise<Bundles> {
  if (language === 'de') return Promise.resolve(germanBundles);
  otherBundles ??= import('../locales/other-languages').then(
    (module) => module.default,
    (error: unknown) => {
      otherBundles = undefined; // asked again on the next read: a lost download is not final
      throw error;
    },
  );
  return otherBundles;
}

/**
 * Words a page needs only when something fails (`errors`, and `moreErrors` of the later pages): a
 * page never waits for them. When their chunk could not be downloaded, i18next waited through its
 * retries (about 11 s) before it showed anything at all, a white page, and every feature loaded
 * afterwards waited as long again for another round of them: the door page's knock form came after
 * 22 s. Now such a namespace counts as there at once, empty, and its chunk is asked for again in
 * the background, each wait twice the last from a third of a second, until the words arrive: at
 * most eight tries in about 1.5 minutes (none after the one that followed a wait of over 30 s);
 * components showing a message render again when they arrive (`useSay`), and meanwhile a refusal
 * says the server's words (`problemMessage`).
 */
const NEVER_WAITED_FOR = ['errors', 'moreErrors'];

/**
 * A chunk of words that could not be downloaded is asked for again (three times, from a third of a
 * second to 1.4 s apart: `maxRetries`; the browser fetches a failed chunk anew), except the
 * words never waited for (above), which are asked for again in the background.
 */
export const chunkBackend: BackendModule = {
  type: 'backend',
  init() {},
  read(language, namespace, callback) {
    // The words, or undefined when there is no such chunk (not a failed download).
    const download = async () => {
      const load = (await bundlesOf(language))[`./${language}/${namespace}.json`];
      return load && (await load()).default;
    };
    const later = (wait: number) =>
      setTimeout(() => {
        download().then(
          (words) => words && i18next.addResourceBundle(language, namespace, words),
          () => wait < 30_000 && later(wait * 2),
        );
      }, wait);
    // A failure's second argument: whether i18next should ask again (a download failed, always a
    // TypeError from the browser's import) or not (there is no such chunk).
    download().then(
      (words) => callback(words ? null : new Error(`no words: ${language}/${namespace}`), words ?? false),
      (error: unknown) => {
        if (!NEVER_WAITED_FOR.includes(namespace)) return callback(error as Error, true);
        callback(null, {});
        later(350);
      },
    );
  },
};

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

/**
 * Loads a feature's namespaces in the current language (and the fallback), e.g. beside its chunk.
 * Fails like a chunk that could not be downloaded when one is still missing in the current
 * language after i18next's retries (`maxRetries`): the feature showed its keys ("knock.heading")
 * after 11 s, where the page now says it could not be loaded whole and offers a reload
 * (app/Layout.tsx), as for its code. The words never waited for count as there (`NEVER_WAITED_FOR`);
 * every language has every namespace (locales/locales.test.ts).
 */
export async function loadNamespaces(namespaces: readonly Namespace[]): Promise<void> {
  // Checked in the language they were asked in. A language chosen meanwhile (changeLanguage, still
  // loading when this began) has not asked for them: checking it failed a whole page (a clerk
  // switching to English, CI); its words come through useTranslation, which loads what is missing.
  const language = i18next.language;
  await i18next.loadNamespaces(namespaces);
  for (const ns of namespaces)
    if (!i18next.hasResourceBundle(language, ns)) throw new Error(`no words: ${language}/${ns}`);
}

function applyToDocument(language: string): void {
  const parsed = LocaleSchema.safeParse(language);
  const locale = parsed.success ? parsed.data : DEFAULT_LOCALE;
  document.documentElement.lang = locale;
  document.documentElement.dir = LOCALE_DIRECTION[locale];
}

export function initI18n(): typeof i18next {
  i18next.on('languageChanged', applyToDocument);
  void i18next
    .use(chunkBackend)
    .use(initReactI18next)
    .init({
      // German, the default, comes with the first download for the first page; the rest of
      // German and every other language arrive as chunks (components wait in Suspense).
      resources: { de: { common: deCommon, directory: deDirectory } },
      partialBundledLanguages: true,
      // Synchronous where the strings are at hand (German's first page): no empty first frame.
      initAsync: false,
      lng: detectLocale(readSavedLocale(), navigator.languages),
      fallbackLng: DEFAULT_LOCALE,
      // A chunk of words is asked for four times in about 2.5 s (i18next: six in 11 s), then the
      // page says it could not be loaded (`loadNamespaces`): a citizen on a bad network waits no
      // longer for that than for a chunk of code, which is not asked for again at all.
      maxRetries: 3,
      supportedLngs: SUPPORTED_LOCALES,
      ns: [...START_NAMESPACES],
      defaultNS: 'common',
      // `errors:codes.*` of the codes only later pages meet live in `moreErrors`, which those pages
      // load (lazyComponent): the door page's first download carries only its own (issue 14).
      fallbackNS: 'moreErrors',
      interpolation: { escapeValue: false }, // React escapes
    });
  return i18next;
}
