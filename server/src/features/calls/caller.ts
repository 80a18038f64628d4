import type { Db } from '../../db/client.js';
import { parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { inviteGuestIdFromCookie } from '../invites/invite-cookie.js';
import { resolveSession } from '../staff/auth.service.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { visitIdFromCookie } from '../visits/visit-cookie.js';

/**
 * Who is asking, worked out once for HTTP requests and WebSocket connections alike: a clerk's
 * staff session, a citizen's visit cookie, an invitee's seat cookie (one browser may carry
 * several). Identity comes from these httpOnly cookies only, never from a message or a URL.
 */

/** The caller's credentials as they arrived; the visit and seat cookies are verified signatures. */
export interface CallerCookies {
  staffToken: string | null;
  visitId: string | null;
  inviteGuestId: string | null;
}

/** The caller now: the staff session is looked up at this moment (it may have ended since). */
export interface Caller {
  staff: StaffRow | null;
  visitId: string | null;
  inviteGuestId: string | null;
}

export function readCallerCookies(secret: string, cookieHeader: string | undefined): CallerCookies {
  return {
    staffToken: parseCookies(cookieHeader)[STAFF_COOKIE] ?? null,
    visitId: visitIdFromCookie(secret, cookieHeader),
    inviteGuestId: inviteGuestIdFromCookie(secret, cookieHeader),
  };
}

export async function resolveCaller(db: Db, cookies: CallerCookies, now: Date): Promise<Caller> {
  const staff = cookies.staffToken ? await resolveSession(db, cookies.staffToken, now) : null;
  return { staff, visitId: cookies.visitId, inviteGuestId: cookies.inviteGuestId };
}
