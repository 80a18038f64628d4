import { message, useSay, type Translate } from '../../lib/message';
import { formatClock, formatLongDate } from '../../ui/format';

/** A slot's start as buttons and messages name it: "10:20 Uhr, Montag, 23. November 2026". */
export function slotWords(t: Translate, locale: string, timeZone: string, startsAt: string): string {
  const start = new Date(startsAt);
  return t('appointments:slots.slotName', {
    time: formatClock(start, locale, timeZone),
    date: formatLongDate(start, locale, timeZone),
  });
}

/** `slotWords` in the interface language of this render. */
export function useSlotName(timeZone: string): (startsAt: string) => string {
  const say = useSay();
  return (startsAt) => say(message((t, locale) => slotWords(t, locale, timeZone, startsAt)));
}
