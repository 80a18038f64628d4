import { useTranslation } from 'react-i18next';
import { CONVERSATION_LANGUAGES, languageLabel } from './languages';

/** `<option>`s, each language named in itself and marked with its `lang`. */
export function LanguageOptions() {
  const { t } = useTranslation();
  return (
    <>
      {CONVERSATION_LANGUAGES.map((tag) => (
        <option key={tag} value={tag} lang={tag}>
          {t(`languages.${tag}`)}
        </option>
      ))}
    </>
  );
}

/** A language tag as its own name, for tables and texts; unknown tags as they are. */
export function useLanguageName(): (tag: string) => string {
  const { t } = useTranslation();
  return (tag) => (CONVERSATION_LANGUAGES.includes(tag as never) ? t(`languages.${tag as 'de'}`) : tag);
}

/** A language tag named in the interface's language, for labels such as "Text (Englisch)". */
export function useLanguageLabel(): (tag: string) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (tag) => languageLabel(locale, tag);
}
