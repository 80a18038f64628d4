import { useTranslation } from 'react-i18next';
import { formatClock, formatLongDate } from '../../ui/format';

/** A slot's start as buttons and messages name it: "10:20 Uhr, Montag, 23. November 2026". */
export function useSlotName(timeZone: string): (startsAt: string) => string {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (startsAt) => {
    const start = new Date(startsAt);
    return t('slots.slotName', {
      time: formatClock(start, locale, timeZone),
      date: formatLongDate(start, locale, timeZone),
    });
  };
}
