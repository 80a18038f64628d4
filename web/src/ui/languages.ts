/** Languages a citizen can choose for the conversation or an interpreter (issue 3), in this order. */
export const CONVERSATION_LANGUAGES = ['de', 'en', 'tr', 'ar', 'uk', 'ru', 'pl', 'fr', 'es', 'it', 'fa'] as const;
export type ConversationLanguage = (typeof CONVERSATION_LANGUAGES)[number];

export function isConversationLanguage(tag: string): tag is ConversationLanguage {
  return (CONVERSATION_LANGUAGES as readonly string[]).includes(tag);
}

/**
 * A language named in the interface's language ("Englisch" on a German page), for the label of a
 * field that takes one language's text; pickers name each language in itself instead.
 */
export function languageLabel(uiLocale: string, tag: string): string {
  try {
    return new Intl.DisplayNames([uiLocale], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
