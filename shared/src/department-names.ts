import { z } from 'zod/mini';
import { pickLocalized, type LocalizedText } from './locales.js';

/**
 * How a department's name stands in a sentence, per language, as its municipality writes it:
 * `{ de: { at: 'beim Bürgeramt', to: 'zum Bürgeramt' }, en: { at: 'at the Citizens’ Office', … } }`.
 * German needs the article and its contraction ("beim Bürgeramt", "bei der Ausländerbehörde",
 * "zur Stadtkasse"), which no rule can guess from a name; issue 13 found "Zurück zu Bürgeramt".
 */
export const DepartmentNameFormsSchema = z.record(
  z.string().check(z.regex(/^[a-z]{2,3}$/, 'a language code like de or en')),
  z.object({
    /** Where: "beim Bürgeramt", "at the Citizens’ Office". */
    at: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
    /** Where to: "zum Bürgeramt", "to the Citizens’ Office". */
    to: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  }),
);
export type DepartmentNameForms = z.infer<typeof DepartmentNameFormsSchema>;

export type DepartmentNameForm = 'at' | 'to';

/**
 * Without written forms a sentence still reads right: German names the department as an office
 * ("beim Amt „Fundbüro“"), other languages put the name after the preposition.
 */
const FALLBACK: Record<string, Record<DepartmentNameForm, (name: string) => string>> = {
  de: { at: (name) => `beim Amt „${name}“`, to: (name) => `zum Amt „${name}“` },
  en: { at: (name) => `at ${name}`, to: (name) => `to ${name}` },
};

/** "beim Bürgeramt" / "zum Bürgeramt" in `locale`, from the written forms or the fallback. */
export function departmentPhrase(
  department: { name: LocalizedText; nameForms: DepartmentNameForms },
  locale: string,
  form: DepartmentNameForm,
): string {
  const base = locale.split('-')[0] ?? locale;
  const written = department.nameForms[locale] ?? department.nameForms[base];
  if (written) return written[form];
  const name = pickLocalized(department.name, locale);
  return (FALLBACK[base] ?? FALLBACK.de!)[form](name);
}
