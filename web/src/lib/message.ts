import { isStaffWordedCode, retryWait } from '@amtsraum/shared';
import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { NAMESPACES, type Namespace } from '../locales/namespaces';
import type { ApiError } from './api';

/** A translation function that knows every namespace: keys are written `visits:form.errors.name`. */
export type Translate = TFunction<readonly Namespace[]>;

/**
 * Something to tell the person, kept as words-to-be until it is shown. Components keep Messages
 * (not strings) in their state and render them with `useSay`, so a language switch reaches every
 * message already on screen, errors from the server included (issue 13: errors stayed German
 * after a switch to English, because they were translated once, when they happened).
 */
export interface Message {
  readonly say: (t: Translate, locale: string) => string;
}

export const message = (say: Message['say']): Message => ({ say });

/** Renders Messages in the interface language of this render. */
export function useSay(): (text: Message) => string {
  const { t, i18n } = useTranslation(NAMESPACES);
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return useCallback((text: Message) => text.say(t, locale), [t, locale]);
}

/**
 * What an API error means for the person, by its stable code (`errors:codes.*`). A refusal for too
 * many requests says how long to wait when that is longer than about a minute (the server's
 * Retry-After): "wait a moment" before an hour's wait sent people back to be refused again. Codes
 * citizens and staff both meet are said in staff's words on answers of staff routes.
 */
export function problemMessage(error: ApiError): Message {
  const { code } = error;
  const wait = limitWait(error);
  if (wait) return message((t) => t(`errors:rateLimitedFor.${wait.unit}`, { count: wait.count }));
  // On staff pages, in staff's words ("this visit is not in this department"), not the citizen's.
  if (error.extras.forStaff && isStaffWordedCode(code)) return message((t) => t(`moreErrors:staffCodes.${code}`));
  return message((t) => t(`errors:codes.${code}`));
}

/** How long a refusal for too many requests asks to wait, if longer than about a minute. */
export function limitWait(error: ApiError): ReturnType<typeof retryWait> {
  return error.code === 'rate_limited' && error.extras.retryAfter ? retryWait(error.extras.retryAfter) : null;
}
