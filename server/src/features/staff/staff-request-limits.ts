import type { RateLimiter, RateLimits } from '../../lib/rate-limit.js';

/**
 * Every request on a staff session counts, reads too (the console, the audit log and its CSV, the
 * export): a stolen session, or a script left running, asks at most five times a second on
 * average, and a clerk who serves one person after another asks far less (the console's updates
 * come over the live socket, not by asking). Per staff member, not per address: a town hall's
 * clerks share one address.
 *
 * A made-up or expired session cookie costs a lookup each time; those count per address, and past
 * the limit they are answered 429 instead of 401 (without a counter write). Only they are: a valid
 * session from the same address (a colleague behind the town hall's address) is served as before.
 */
export const STAFF_REQUEST_LIMITS = {
  perStaff: { max: 3_000, windowMs: 10 * 60_000 },
  sessionMissesPerAddress: { max: 600, windowMs: 10 * 60_000 },
};

export interface StaffRequestLimiters {
  perStaff: RateLimiter;
  sessionMisses: RateLimiter;
}

const limitersOf = new WeakMap<RateLimits, StaffRequestLimiters>();

/** The app's limiters for staff requests: one pair per app, whichever router asks. */
export function staffRequestLimitsOf(limits: RateLimits): StaffRequestLimiters {
  let limiters = limitersOf.get(limits);
  if (!limiters) {
    limiters = {
      perStaff: limits.limiter('staff-requests', STAFF_REQUEST_LIMITS.perStaff),
      sessionMisses: limits.limiter('staff-session-misses', STAFF_REQUEST_LIMITS.sessionMissesPerAddress),
    };
    limitersOf.set(limits, limiters);
  }
  return limiters;
}
