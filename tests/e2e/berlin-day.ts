/**
 * Steps that must fall on one calendar day of the test municipalities (Europe/Berlin): an on-site
 * check-in is refused on another day than the appointment's, a call display shows today's tickets.
 * The specs take their instants from their app's clock (never the database's `now()`): the
 * runner's, so a run whose clock is moved (`faketime`, see tests/e2e/servers.ts) moves all of them
 * together, or, for a spec whose steps must not cross midnight, its own app's clock, moved past
 * midnight instead of waiting for it (one-day-app.ts).
 */

const ZONE = 'Europe/Berlin';

/** Milliseconds until the current Berlin day ends (no daylight-saving switch falls near midnight). */
export function msLeftInBerlinDay(at = new Date()): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const elapsed = (part('hour') * 3600 + part('minute') * 60 + part('second')) * 1000 + at.getMilliseconds();
  return 24 * 3_600_000 - elapsed;
}

/** The Berlin calendar date (YYYY-MM-DD) of an instant. */
export function berlinDay(at = new Date()): string {
  return at.toLocaleDateString('sv-SE', { timeZone: ZONE });
}

/**
 * How long before Berlin midnight a spec that books today's first free slot at Testhausen's
 * "Bürgerbüro vor Ort" and then checks it in (which only works on the appointment's own day:
 * hybrid-office.spec.ts, onsite-queue.spec.ts) needs the day to go on. The department is bookable
 * until 23:59 in quarter hours, so its last slot of a day starts at 23:30; five minutes cover the
 * spec's own steps. Those specs run on an app of their own whose clock is moved past midnight when
 * less is left (one-day-app.ts), so they never wait for it.
 */
export const TODAY_SLOT_MARGIN = 35 * 60_000;

/**
 * How far to move a clock that stands at `at` so that the `ms` after it fall on one Berlin day:
 * nothing while the day has that long left, else to a minute past midnight.
 */
export function aheadForOneBerlinDay(ms: number, at: Date): number {
  const left = msLeftInBerlinDay(at);
  return left < ms ? left + 60_000 : 0;
}
