import { SUPPORTED_LOCALES, type Locale } from '@amtsraum/shared';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { saveLocale } from '../lib/i18n';

/**
 * Toggle buttons, each language named in itself ("Deutsch", "English") and marked with its lang.
 * The names come from the current language's `languages` list, which writes each in itself, so
 * the switcher needs no other language's strings loaded.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const labelId = useId();
  const current = i18n.resolvedLanguage;

  const choose = (locale: Locale) => {
    saveLocale(locale);
    void i18n.changeLanguage(locale);
  };

  return (
    <div className="language-switcher" role="group" aria-labelledby={labelId}>
      <span id={labelId} className="language-switcher__label">
        {t('language.label')}
      </span>
      {SUPPORTED_LOCALES.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          aria-pressed={current === locale}
          className="language-switcher__option"
          onClick={() => {
            choose(locale);
          }}
        >
          {t(`languages.${locale}`)}
        </button>
      ))}
    </div>
  );
}
