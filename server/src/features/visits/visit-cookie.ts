import type { Response } from 'express';
import type { Config } from '../../config.js';
import { cookieOptions, parseCookies, signValue, verifySignedValue, VISIT_COOKIE } from '../../lib/cookies.js';

/**
 * A visit belongs to the browser that knocked (or arrived for its appointment): the signed,
 * httpOnly visit cookie names it. See docs/decisions/006-visit-cookie-and-staff-sessions.md.
 */
export const VISIT_COOKIE_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export function setVisitCookie(res: Response, config: Config, visitId: string): void {
  res.cookie(
    VISIT_COOKIE,
    signValue(config.sessionSecret, 'visit', visitId),
    cookieOptions(config, VISIT_COOKIE_MAX_AGE_MS),
  );
}

/** The visit id bound to this browser, if its cookie is genuine. */
export function visitIdFromCookie(secret: string, cookieHeader: string | undefined): string | null {
  return verifySignedValue(secret, 'visit', parseCookies(cookieHeader)[VISIT_COOKIE]);
}
