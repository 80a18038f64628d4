import { SUPPORTED_LOCALES, type Locale } from '@amtsraum/shared';
import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveLocale } from '../lib/i18n';

/**
 * The one loop of language toggle buttons, each language named in itself ("Deutsch", "English")
 * and marked with its lang. The names come from the current language's `languages` list, which
 * writes each in itself, so no other language's strings need be loaded. The page header's
 * switcher and the kiosk's flags differ only in classes and what a button shows.
 */
export function LanguageButtons({
  classes,
  onChoose,
  content = (_locale, name) => name,
}: {
  classes: { group: string; label: string; option: string };
  onChoose: (locale: Locale) => void;
  content?: (locale: Locale, name: string) => ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const labelId = useId();
  const current = i18n.resolvedLanguage;
  return (
    <div className={classes.group} role="group" aria-labelledby={labelId}>
      <span id={labelId} className={classes.label}>
        {t('language.label')}
      </span>
      {SUPPORTED_LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={current === locale}
          className={classes.option}
          onClick={() => {
            onChoose(locale);
          }}
        >
          {content(locale, t(`languages.${locale}`))}
        </button>
      ))}
    </div>
  );
}

const SWITCHER = {
  group: 'language-switcher',
  label: 'language-switcher__label',
  option: 'language-switcher__option',
};

/** The page header's language choice, remembered for the next visit. */
export function LanguageSwitcher() {
  const { i18n } = useTranslation();
  return (
    <LanguageButtons
      classes={SWITCHER}
      onChoose={(locale) => {
        saveLocale(locale);
        void i18n.changeLanguage(locale);
      }}
    />
  );
}
