/**
 * Database errors, read the same way whichever driver raised them: postgres.js and PGlite put the
 * SQLSTATE on the error, drizzle wraps it in `cause` (sometimes twice).
 */

const MAX_DEPTH = 5;

/** The SQLSTATE of a database error, looking through the wrappers; undefined for anything else. */
export function sqlState(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < MAX_DEPTH; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A unique violation (23505) of the named constraint or index. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < MAX_DEPTH; depth++) {
    const {
      code,
      constraint_name: name,
      constraint: alt,
      message,
    } = e as {
      code?: unknown;
      constraint_name?: unknown;
      constraint?: unknown;
      message?: unknown;
    };
    if (code === '23505' && (name === constraint || alt === constraint)) return true;
    // PGlite names the constraint only in the message.
    if (code === '23505' && typeof message === 'string' && message.includes(constraint)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
