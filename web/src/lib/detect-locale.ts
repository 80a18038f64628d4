import { DEFAULT_LOCALE, LocaleSchema, type Locale } from '@amtsraum/shared';

/**
 * The interface language for a first render: the visitor's saved choice, else the first of the
 * browser's preferred languages we support, else German.
 */
export function detectLocale(saved: string | null, preferred: readonly string[]): Locale {
  const fromSaved = LocaleSchema.safeParse(saved);
  if (fromSaved.success) return fromSaved.data;
  for (const tag of preferred) {
    const base = LocaleSchema.safeParse(tag.toLowerCase().split('-')[0]);
    if (base.success) return base.data;
  }
  return DEFAULT_LOCALE;
}
