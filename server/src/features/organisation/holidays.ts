import { addDays, weekdayOf, type CivilDate, type LocalizedText, type StateCode } from '@amtsraum/shared';

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

type Holiday = { date: CivilDate; name: LocalizedText };

/**
 * Buß- und Bettag: the Wednesday before 23 November (the last Sunday of the church year falls
 * between 20 and 26 November), so between 16 and 22 November.
 */
export function repentanceDay(year: number): CivilDate {
  const nov22: CivilDate = { year, month: 11, day: 22 };
  // weekdayOf: ISO weekday, 1 = Monday; Wednesday = 3.
  return addDays(nov22, -((weekdayOf(nov22) - 3 + 7) % 7));
}

/**
 * The public holidays of a German state in `year`, plus the days town halls close anyway
 * (24 and 31 December). Where a holiday holds only in some municipalities of a state (Mariä
 * Himmelfahrt in Catholic Bavarian towns, Fronleichnam in parts of Saxony and Thuringia, the
 * Augsburger Friedensfest), it is left out: the admin adds it as a closure of their own.
 * Sources: the states' Feiertagsgesetze; new holidays from the year their law took effect.
 */
export function stateHolidays(state: StateCode, year: number): Holiday[] {
  const easter = easterSunday(year);
  const fixed = (month: number, day: number): CivilDate => ({ year, month, day });
  const among = (...states: StateCode[]) => states.includes(state);
  const list: (Holiday | false)[] = [
    { date: fixed(1, 1), name: t('Neujahr', "New Year's Day") },
    among('BW', 'BY', 'ST') && { date: fixed(1, 6), name: t('Heilige Drei Könige', 'Epiphany') },
    ((state === 'BE' && year >= 2019) || (state === 'MV' && year >= 2023)) && {
      date: fixed(3, 8),
      name: t('Internationaler Frauentag', "International Women's Day"),
    },
    { date: addDays(easter, -2), name: t('Karfreitag', 'Good Friday') },
    among('BB', 'HE') && { date: easter, name: t('Ostersonntag', 'Easter Sunday') },
    { date: addDays(easter, 1), name: t('Ostermontag', 'Easter Monday') },
    { date: fixed(5, 1), name: t('Tag der Arbeit', 'Labour Day') },
    // Berlin's one-off holidays for the 75th and 80th anniversary of the end of the war.
    state === 'BE' &&
      (year === 2020 || year === 2025) && { date: fixed(5, 8), name: t('Tag der Befreiung', 'Liberation Day') },
    { date: addDays(easter, 39), name: t('Christi Himmelfahrt', 'Ascension Day') },
    among('BB', 'HE') && { date: addDays(easter, 49), name: t('Pfingstsonntag', 'Whit Sunday') },
    { date: addDays(easter, 50), name: t('Pfingstmontag', 'Whit Monday') },
    among('BW', 'BY', 'HE', 'NW', 'RP', 'SL') && {
      date: addDays(easter, 60),
      name: t('Fronleichnam', 'Corpus Christi'),
    },
    state === 'SL' && { date: fixed(8, 15), name: t('Mariä Himmelfahrt', 'Assumption Day') },
    state === 'TH' && year >= 2019 && { date: fixed(9, 20), name: t('Weltkindertag', "World Children's Day") },
    { date: fixed(10, 3), name: t('Tag der Deutschen Einheit', 'German Unity Day') },
    // Nationwide once, in 2017 (500 years of the Reformation); in the northern states since 2018.
    (year === 2017 || among('BB', 'MV', 'SN', 'ST', 'TH') || (among('HB', 'HH', 'NI', 'SH') && year >= 2018)) && {
      date: fixed(10, 31),
      name: t('Reformationstag', 'Reformation Day'),
    },
    among('BW', 'BY', 'NW', 'RP', 'SL') && { date: fixed(11, 1), name: t('Allerheiligen', "All Saints' Day") },
    state === 'SN' && { date: repentanceDay(year), name: t('Buß- und Bettag', 'Day of Repentance and Prayer') },
    { date: fixed(12, 24), name: t('Heiligabend (Verwaltung geschlossen)', 'Christmas Eve (offices closed)') },
    { date: fixed(12, 25), name: t('1. Weihnachtstag', 'Christmas Day') },
    { date: fixed(12, 26), name: t('2. Weihnachtstag', 'Boxing Day') },
    { date: fixed(12, 31), name: t('Silvester (Verwaltung geschlossen)', "New Year's Eve (offices closed)") },
  ];
  return list.filter((holiday): holiday is Holiday => holiday !== false);
}

/** Public holidays of North Rhine-Westphalia (where Dormagen is) plus the usual office closures. */
export function nrwHolidays(year: number): Holiday[] {
  return stateHolidays('NW', year);
}
