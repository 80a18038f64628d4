import { z } from 'zod/mini';

/** Languages the interface ships in. German is the default; the order is the switcher's order. */
export const SUPPORTED_LOCALES = ['de', 'en'] as const;
export const DEFAULT_LOCALE = 'de';

export const LocaleSchema = z.enum(SUPPORTED_LOCALES);
export type Locale = z.infer<typeof LocaleSchema>;

/**
 * The regional form dates and numbers are written in per locale: English as in Britain and
 * Ireland ("Saturday, 5 December 2026", a 24-hour clock), as a German office writes it, not the
 * American "Saturday, December 5, 2026" that plain `en` gives. Web pages and e-mails use the same.
 */
/**
 * A language tag as an e-mail language: itself when we write e-mails in it, else German. An
 * appointment keeps its e-mail language (`mail_locale`, decision 008); a clerk's booking takes the
 * conversation language through this.
 */
export function mailLocale(language: string): Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(language) ? (language as Locale) : DEFAULT_LOCALE;
}

export const INTL_LOCALE: Record<Locale, string> = { de: 'de-DE', en: 'en-GB' };

/** The `Intl` locale for an interface language (a supported one, or a tag such as `en-US`). */
export function intlLocale(locale: string | undefined): string {
  const base = (locale ?? DEFAULT_LOCALE).split('-')[0] as Locale;
  return INTL_LOCALE[base] ?? INTL_LOCALE[DEFAULT_LOCALE];
}

const DURATION_UNITS: Record<string, { hours: string; minutes: string }> = {
  de: { hours: 'Std.', minutes: 'Min.' },
  en: { hours: 'h', minutes: 'min' },
};

/**
 * A span of minutes as "18 Std. 15 Min." / "18 h 15 min", "45 Min.", "2 Std.": short units of our
 * own, since the runtimes' ICU data name them differently ("hr", "h", "Std."). The pages and the
 * audit CSV say a span with it.
 */
export function formatMinutes(total: number, locale: string): string {
  const units = DURATION_UNITS[locale.split('-')[0] ?? ''] ?? DURATION_UNITS.en!;
  const number = (value: number) => new Intl.NumberFormat(intlLocale(locale)).format(value);
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${number(hours)} ${units.hours}`);
  if (minutes > 0 || hours === 0) parts.push(`${number(minutes)} ${units.minutes}`);
  return parts.join(' ');
}

/** Writing direction per locale, for `<html dir>`; right-to-left languages join this table. */
export const LOCALE_DIRECTION: Record<Locale, 'ltr' | 'rtl'> = { de: 'ltr', en: 'ltr' };

/**
 * Text a municipality writes (department names, service descriptions) in one or more
 * languages, as it is read back. German is there because it is the language of the office.
 * What an admin writes is checked by LocalizedNameSchema and LocalizedTextInputSchema.
 */
export const LocalizedTextSchema = z.catchall(
  z.object({ de: z.string().check(z.minLength(1), z.maxLength(2000)) }),
  z.string().check(z.maxLength(2000)),
);
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** Said when a one-line field holds a line break or a control character. */
export const ONE_LINE_MESSAGE = 'one line without control characters';
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NOT_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** True when `text` is one line without control characters (a name that goes into a mail's subject). */
export const isOneLine = (text: string) => !NOT_ONE_LINE.test(text);

/** Picks the text in `locale`, falling back to German, which every localized text has. */
export function pickLocalized(text: LocalizedText, locale: string): string {
  const exact = text[locale];
  if (exact) return exact;
  const base = locale.split('-')[0] ?? '';
  return text[base] || text.de;
}

/** Parses an Accept-Language header and returns the best supported locale. */
export function negotiateLocale(header: string | undefined | null, fallback: Locale = DEFAULT_LOCALE): Locale {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const quality = q ? Number(q.slice(2)) : 1;
      return { tag: tag.toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    const base = tag.split('-')[0];
    const match = SUPPORTED_LOCALES.find((locale) => locale === base);
    if (match) return match;
  }
  return fallback;
}
