import {
  departmentPhrase,
  pickLocalized,
  type DepartmentNameForm,
  type DepartmentNameForms,
  type LocalizedText,
} from '@amtsraum/shared';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';

export interface Localized {
  text: string;
  /** Set when the text is not in the interface language (it fell back to German), for `lang`. */
  lang: string | undefined;
}

/** Picks municipality-written text in the interface language, marking German fallbacks. */
export function useLocalize(): (text: LocalizedText) => Localized {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useCallback(
    (text: LocalizedText) => ({
      text: pickLocalized(text, locale),
      lang: text[locale] ? undefined : 'de',
    }),
    [locale],
  );
}

/** A department as a sentence places it, in the interface language: "beim Bürgeramt", "zum Bürgeramt". */
export function useDepartmentPhrase(): (
  department: { name: LocalizedText; nameForms: DepartmentNameForms },
  form: DepartmentNameForm,
) => string {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useCallback((department, form) => departmentPhrase(department, locale, form), [locale]);
}
