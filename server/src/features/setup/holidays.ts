import { addDays, type CivilDate, type LocalizedText } from '@amtsraum/shared';

const t = (de: string, en: string): LocalizedText => ({ de, en });

/** Gregorian Easter Sunday (Meeus/Jones/Butcher). */
export function easterSunday(year: number): CivilDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

/** Public holidays of North Rhine-Westphalia (where Dormagen is) plus the usual office closures. */
export function nrwHolidays(year: number): { date: CivilDate; name: LocalizedText }[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number): CivilDate => ({ year, month, day });
  return [
    { date: fixed(1, 1), name: t('Neujahr', "New Year's Day") },
    { date: addDays(easter, -2), name: t('Karfreitag', 'Good Friday') },
    { date: addDays(easter, 1), name: t('Ostermontag', 'Easter Monday') },
    { date: fixed(5, 1), name: t('Tag der Arbeit', 'Labour Day') },
    { date: addDays(easter, 39), name: t('Christi Himmelfahrt', 'Ascension Day') },
    { date: addDays(easter, 50), name: t('Pfingstmontag', 'Whit Monday') },
    { date: addDays(easter, 60), name: t('Fronleichnam', 'Corpus Christi') },
    { date: fixed(10, 3), name: t('Tag der Deutschen Einheit', 'German Unity Day') },
    { date: fixed(11, 1), name: t('Allerheiligen', "All Saints' Day") },
    { date: fixed(12, 24), name: t('Heiligabend (Verwaltung geschlossen)', 'Christmas Eve (offices closed)') },
    { date: fixed(12, 25), name: t('1. Weihnachtstag', 'Christmas Day') },
    { date: fixed(12, 26), name: t('2. Weihnachtstag', 'Boxing Day') },
    { date: fixed(12, 31), name: t('Silvester (Verwaltung geschlossen)', "New Year's Eve (offices closed)") },
  ];
}
