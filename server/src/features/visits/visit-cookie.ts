import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Config } from '../../config.js';
import { cookieOptions, parseCookies, signValue, verifySignedValue, VISIT_COOKIE } from '../../lib/cookies.js';

/**
 * A visit belongs to the browser that knocked (or arrived for its appointment): the signed,
 * httpOnly visit cookie names it. See docs/decisions/006-visit-cookie-and-staff-sessions.md.
 *
 * Beside the visit it carries the browser's knock key, a random id handed on from cookie to
 * cookie: the knocks of one browser count against it (visits.router.ts, KNOCK_LIMITS). Counted
 * against the visit instead, each knock's new cookie started a count of its own, and a browser
 * could knock, leave and knock again up to the looser limit of its whole address. A cookie of
 * the earlier form (the visit alone) has its visit as its key.
 */
export const VISIT_COOKIE_MAX_AGE_MS = 12 * 60 * 60 * 1000;

const KEY_SEPARATOR = '~';

/** What a genuine visit cookie says: the visit, and the browser's knock key. */
export interface VisitCookie {
  visitId: string;
  browserKey: string;
}

/** Sets the visit cookie for `visitId`, handing on `browserKey` (a new one when there is none). */
export function setVisitCookie(res: Response, config: Config, visitId: string, browserKey = newBrowserKey()): void {
  res.cookie(
    VISIT_COOKIE,
    signValue(config.sessionSecret, 'visit', `${visitId}${KEY_SEPARATOR}${browserKey}`),
    cookieOptions(config, VISIT_COOKIE_MAX_AGE_MS),
  );
}

/** A knock key for a browser that has none yet. */
export function newBrowserKey(): string {
  return randomUUID();
}

/** The visit cookie of this request, if it is genuine. */
export function visitCookieOf(secret: string, cookieHeader: string | undefined): VisitCookie | null {
  const value = verifySignedValue(secret, 'visit', parseCookies(cookieHeader)[VISIT_COOKIE]);
  if (value === null) return null;
  const [visitId = '', browserKey] = value.split(KEY_SEPARATOR);
  return { visitId, browserKey: browserKey || visitId };
}

/** The visit id bound to this browser, if its cookie is genuine. */
export function visitIdFromCookie(secret: string, cookieHeader: string | undefined): string | null {
  return visitCookieOf(secret, cookieHeader)?.visitId ?? null;
}
