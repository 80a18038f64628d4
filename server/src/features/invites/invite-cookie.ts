import type { Response } from 'express';
import type { Config } from '../../config.js';
import { cookieOptions, INVITE_COOKIE, parseCookies, signValue, verifySignedValue } from '../../lib/cookies.js';

/**
 * An invitee's seat rides in an httpOnly cookie holding the signed id of their `invite_guests`
 * row: the link's token is spent once, and the cookie names that one seat in that one call.
 */
const PURPOSE = 'invite-guest';

export function inviteGuestIdFromCookie(secret: string, cookieHeader: string | undefined): string | null {
  return verifySignedValue(secret, PURPOSE, parseCookies(cookieHeader)[INVITE_COOKIE]);
}

export function setInviteSeatCookie(res: Response, config: Config, guestId: string, maxAgeMs: number): void {
  res.cookie(INVITE_COOKIE, signValue(config.sessionSecret, PURPOSE, guestId), cookieOptions(config, maxAgeMs));
}
