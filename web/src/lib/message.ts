import { retryWait } from '@amtsraum/shared';
import type { TFunction } from 'i18next';
import { useCallback, useMemo } from 'react';
import { useTranslation, type UseTranslationOptions } from 'react-i18next';
import type { Namespace } from '../locales/namespaces';
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

// react-i18next reads this option (its `bindI18nStore`) but does not type it for the hook.
const RENDER_AGAIN_WHEN_WORDS_ARRIVE = { bindI18nStore: 'added' } as unknown as UseTranslationOptions<undefined>;

/**
 * Renders Messages in the interface language of this render. Asks i18next for no namespace of its
 * own: a Message's words are in namespaces the page showing it has loaded (its feature's, beside
 * its chunk: `lazyComponent`; `errors` from the start), and a language switch loads every namespace
 * loaded so far before it is announced. It renders again when words arrive, so a message shown
 * while its feature's words are still on their way is said once they are there. (It used to ask
 * for every namespace, so the door page's knock form and the directory's search loaded the words
 * of the whole product, the staff's included: issue 14.)
 */
export function useSay(): (text: Message) => string {
  const { i18n } = useTranslation(undefined, RENDER_AGAIN_WHEN_WORDS_ARRIVE);
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const t = useMemo(() => i18n.getFixedT(locale) as unknown as Translate, [i18n, locale]);
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
  // Words not (yet) downloaded (i18n.ts never waits for them): the server's words, not the key.
  const defaultValue = error.extras.title;
  const wait = limitWait(error);
  if (wait) return message((t) => t(`errors:rateLimitedFor.${wait.unit}`, { count: wait.count, defaultValue }));
  // On staff pages, in staff's words ("this visit is not in this department"), not the citizen's.
  // The codes with staff's words (STAFF_WORDED_CODES) are the keys of `moreErrors:staffCodes`
  // (locales.test.ts): looked up there first, not listed again in every page's first download.
  if (error.extras.forStaff) {
    return message((t) => t([`moreErrors:staffCodes.${code}`, `errors:codes.${code}`] as never, { defaultValue }));
  }
  return message((t) => t(`errors:codes.${code}`, { defaultValue }));
}

/** How long a refusal for too many requests asks to wait, if longer than about a minute. */
export function limitWait(error: ApiError): ReturnType<typeof retryWait> {
  return error.code === 'rate_limited' && error.extras.retryAfter ? retryWait(error.extras.retryAfter) : null;
}
