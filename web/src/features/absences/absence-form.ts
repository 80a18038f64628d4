import { AbsenceInputSchema, zonedParts, type Absence, type AbsenceInput } from '@amtsraum/shared';
import { safeParse } from 'zod/mini';
import { dateOf, shiftDate } from '../../lib/calendar';

/** A clerk's own absence as typed into the form: dates and optional clock times, all text. */
export interface AbsenceDraft {
  startsOn: string;
  endsOn: string;
  startsAtTime: string;
  endsAtTime: string;
  reason: string;
}

export const ABSENCE_FIELDS = ['startsOn', 'startsAtTime', 'endsOn', 'endsAtTime', 'reason'] as const;
export type AbsenceField = (typeof ABSENCE_FIELDS)[number];

export const EMPTY_DRAFT: AbsenceDraft = { startsOn: '', endsOn: '', startsAtTime: '', endsAtTime: '', reason: '' };

/** What `POST …/absences` gets: a single day when the end is left empty, times only when given. */
export function absenceInputOf(draft: AbsenceDraft): AbsenceInput {
  const reason = draft.reason.trim();
  return {
    startsOn: draft.startsOn,
    endsOn: draft.endsOn || draft.startsOn,
    ...(draft.startsAtTime ? { startsAtTime: draft.startsAtTime } : {}),
    ...(draft.endsAtTime ? { endsAtTime: draft.endsAtTime } : {}),
    ...(reason ? { reason } : {}),
  };
}

/** The form's fields the shared schema finds fault with, in page order; empty: send it. */
export function draftProblems(input: AbsenceInput): AbsenceField[] {
  const parsed = safeParse(AbsenceInputSchema, input);
  if (parsed.success) return [];
  const named = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')));
  return ABSENCE_FIELDS.filter((field) => named.has(field));
}

/**
 * An absence read back on the municipality's calendar: first and last day, and the clock times
 * when it does not cover whole days. Whole days are stored up to the midnight after the last one,
 * which a person calls "until Friday", not "until Saturday 00:00".
 */
export interface AbsenceDays {
  firstDay: string;
  lastDay: string;
  /** Null when it starts at midnight. */
  from: string | null;
  /** Null when it ends at midnight (then `lastDay` is the day before). */
  until: string | null;
}

const clockOf = (instant: Date, timeZone: string) => {
  const parts = zonedParts(instant, timeZone);
  return `${String(parts.hour).padStart(2, '0')}:${String(parts.minute).padStart(2, '0')}`;
};

export function absenceDays(absence: Pick<Absence, 'startsAt' | 'endsAt'>, timeZone: string): AbsenceDays {
  const startsAt = new Date(absence.startsAt);
  const endsAt = new Date(absence.endsAt);
  const from = clockOf(startsAt, timeZone);
  const until = clockOf(endsAt, timeZone);
  const endsAtMidnight = until === '00:00';
  return {
    firstDay: dateOf(startsAt, timeZone),
    lastDay: endsAtMidnight ? shiftDate(dateOf(endsAt, timeZone), -1) : dateOf(endsAt, timeZone),
    from: from === '00:00' ? null : from,
    until: endsAtMidnight ? null : until,
  };
}
