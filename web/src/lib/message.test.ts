import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { NAMESPACES, resources } from '../locales/resources';
import { ApiError } from './api';
import { problemMessage, type Translate } from './message';

async function translator(locale: 'de' | 'en'): Promise<Translate> {
  const i18n = i18next.createInstance();
  // As lib/i18n.ts: codes only later pages meet are found in `moreErrors`.
  await i18n.init({
    lng: locale,
    resources,
    ns: [...NAMESPACES],
    fallbackNS: 'moreErrors',
    interpolation: { escapeValue: false },
  });
  return i18n.t as Translate;
}

const limited = (retryAfter?: number) =>
  new ApiError('rate_limited', 429, undefined, undefined, retryAfter ? { retryAfter } : {});

describe('problemMessage', () => {
  it("says codes citizens meet too in staff's words on answers of staff routes", async () => {
    const de = await translator('de');
    const en = await translator('en');
    const notFound = (forStaff: boolean) =>
      new ApiError('appointment_not_found', 404, undefined, undefined, forStaff ? { forStaff } : {});
    expect(problemMessage(notFound(true)).say(de, 'de')).toBe('Diesen Termin gibt es in diesem Amt nicht (mehr).');
    expect(problemMessage(notFound(true)).say(en, 'en')).toBe(
      'This appointment does not exist in this department (any more).',
    );
    expect(problemMessage(notFound(false)).say(de, 'de')).toBe(
      'Dieser Termin wurde nicht gefunden. Bitte prüfen Sie den Link aus Ihrer E-Mail.',
    );
  });

  it('says how long to wait after too many requests, when it is longer than about a minute', async () => {
    const de = await translator('de');
    const en = await translator('en');
    expect(problemMessage(limited(3400)).say(de, 'de')).toBe(
      'Zu viele Anfragen. Bitte versuchen Sie es in etwa 57 Minuten erneut.',
    );
    expect(problemMessage(limited(3400)).say(en, 'en')).toBe(
      'Too many requests. Please try again in about 57 minutes.',
    );
    expect(problemMessage(limited(5 * 3600)).say(de, 'de')).toBe(
      'Zu viele Anfragen. Bitte versuchen Sie es in etwa 5 Stunden erneut.',
    );
    // A short wait, or none said: "a moment" is true.
    expect(problemMessage(limited(30)).say(de, 'de')).toBe(
      'Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment.',
    );
    expect(problemMessage(limited()).say(de, 'de')).toBe(
      'Zu viele Anfragen in kurzer Zeit. Bitte warten Sie einen Moment.',
    );
  });

  // Words that could not be downloaded (lib/i18n.ts never waits for `errors`): the server's
  // sentence, in the language the page asked it for, instead of the key.
  it('says the server’s words for a refusal whose words are not there, and its own words when they are', async () => {
    const de = await translator('de');
    const withoutWords = i18next.createInstance();
    await withoutWords.init({ lng: 'de', resources: { de: { errors: {} } }, ns: ['errors'], fallbackNS: 'moreErrors' });
    const full = (extras: { title?: string; forStaff?: boolean; retryAfter?: number }) =>
      new ApiError(extras.retryAfter ? 'rate_limited' : 'queue_full', 409, undefined, undefined, extras);
    const title = 'Die Warteschlange ist gerade voll (Worte des Servers).';
    expect(problemMessage(full({ title })).say(withoutWords.t as Translate, 'de')).toBe(title);
    expect(problemMessage(full({ title, forStaff: true })).say(withoutWords.t as Translate, 'de')).toBe(title);
    expect(problemMessage(full({ title, retryAfter: 3400 })).say(withoutWords.t as Translate, 'de')).toBe(title);
    expect(problemMessage(full({ title })).say(de, 'de')).toBe(
      'Die Warteschlange ist gerade voll. Bitte versuchen Sie es später noch einmal.',
    );
    // No title (no answer at all): the key, as before.
    expect(problemMessage(full({})).say(withoutWords.t as Translate, 'de')).toBe('codes.queue_full');
  });
});
