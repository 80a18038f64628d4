/** Languages a citizen can choose for the conversation or an interpreter (issue 3), in this order. */
export const CONVERSATION_LANGUAGES = ['de', 'en', 'tr', 'ar', 'uk', 'ru', 'pl', 'fr', 'es', 'it', 'fa'] as const;
export type ConversationLanguage = (typeof CONVERSATION_LANGUAGES)[number];

export function isConversationLanguage(tag: string): tag is ConversationLanguage {
  return (CONVERSATION_LANGUAGES as readonly string[]).includes(tag);
}
