import type { InviteeStatus } from '@amtsraum/shared';
import type { ApiError } from '../../lib/api';

/** Link problems: each has its own page (`invites:problem.*`); nothing typed can fix them. */
export const PROBLEM_CODES = [
  'invite_invalid',
  'invite_expired',
  'invite_revoked',
  'invite_removed',
  'invite_used_up',
  'invite_call_ended',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];
export const isProblemCode = (code: string): code is ProblemCode => (PROBLEM_CODES as readonly string[]).includes(code);

/** States of a seat that end it: said by the status a page left open asks for, not refused. */
const CLOSED_STATES = {
  ended: 'invite_call_ended',
  removed: 'invite_removed',
  revoked: 'invite_revoked',
  expired: 'invite_expired',
} as const satisfies Partial<Record<InviteeStatus['state'], ProblemCode>>;
export type ClosedState = keyof typeof CLOSED_STATES;

/**
 * The page a seat's state has when it ends the seat (the call is over, the person removed, the link
 * withdrawn or run out): the same as a link refused for it. Null while the seat is good.
 */
export function closedProblem(state: InviteeStatus['state']): ProblemCode | null {
  return Object.hasOwn(CLOSED_STATES, state) ? CLOSED_STATES[state as ClosedState] : null;
}

/**
 * What a refused check of the link's token means: a link problem has its own page. A token the
 * server cannot even read (a link cut short or changed in a mail program: `validation_failed`) is
 * the same to the invitee as an unknown one, "not valid", and no error page with "try again". Null
 * for a failure a second try may mend.
 */
export function checkProblem(error: ApiError): ProblemCode | null {
  return linkProblem(error) ?? (error.code === 'validation_failed' ? 'invite_invalid' : null);
}

/** The link problem a refusal names (its own page), or null. */
export function linkProblem(error: ApiError): ProblemCode | null {
  return isProblemCode(error.code) ? error.code : null;
}

/** What the first load of the page does: check the link's token, or ask whether a seat is held. */
export type StartPhase = { status: 'checking'; token: string } | { status: 'loading' };

/**
 * Where the page starts, and starts again on "try again": with the token the link brought (kept
 * by the page once it is out of the address bar), or without one (a reload after redeeming).
 */
export function startPhase(token: string | null): StartPhase {
  return token ? { status: 'checking', token } : { status: 'loading' };
}

/**
 * What a refused redeem means for the invitee: a link problem (its own page), a name to correct
 * (the form stays, with what was typed), or a failure to show at the form, to send again.
 */
export type RedeemRefusal = { kind: 'problem'; code: ProblemCode } | { kind: 'name' } | { kind: 'failure' };

export function redeemRefusal(error: ApiError): RedeemRefusal {
  if (isProblemCode(error.code)) return { kind: 'problem', code: error.code };
  const atName = (error.extras.fieldErrors ?? []).some(({ path }) => path === 'name' || path.startsWith('name.'));
  if (error.code === 'validation_failed' && atName) return { kind: 'name' };
  return { kind: 'failure' };
}

/** How long before an appointment's start its call may open (the door opens ten minutes before). */
const STARTS_SOON_MS = 15 * 60_000;

/**
 * How often the page asks again how the seat stands. Waiting to be let in, or for a call that may
 * start any moment (a visit's link while the citizen waits in the queue, an appointment's from a
 * quarter of an hour before), every 3 s: the page said "Das Gespräch hat noch nicht begonnen" for
 * up to half a minute after the clerk had started the call. An appointment further off every 30 s.
 * Ready too, every 10 s: until the invitee goes to the call, the call can end (the clerk finishes
 * the visit), and the page then says so instead of offering a way into a call that refuses them.
 */
export function pollDelay(invitee: Pick<InviteeStatus, 'state' | 'opensAt'>, now: Date): number {
  if (invitee.state === 'waiting') return 3_000;
  if (invitee.state !== 'not_started') return 10_000;
  const startsSoon = !invitee.opensAt || Date.parse(invitee.opensAt) - now.getTime() <= STARTS_SOON_MS;
  return startsSoon ? 3_000 : 30_000;
}

/**
 * What the page says of a call not started yet: an appointment's start ahead ("beginnt am … um …
 * Uhr"), an appointment whose start has passed (any moment now; the page asks every 3 s and
 * notices by itself — it said "Öffnen Sie diesen Link kurz vorher noch einmal" for a time gone),
 * or a visit's call, which starts when the clerk lets the citizen in.
 */
export function notStartedNote(opensAt: string | null, now: Date): 'ahead' | 'due' | 'unscheduled' {
  if (!opensAt) return 'unscheduled';
  return Date.parse(opensAt) > now.getTime() ? 'ahead' : 'due';
}
