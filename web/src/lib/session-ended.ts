/**
 * The history state with which a page sends someone whose session ended meanwhile (signed out
 * elsewhere, the account deactivated) to the sign-in page, which then says so (issue 15). A page
 * that merely finds no session at its first load sends no state: there was nothing to end.
 */
export const SESSION_ENDED = { sessionEnded: true } as const;

/** Whether a history entry's state is `SESSION_ENDED`. */
export function isSessionEnded(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { sessionEnded?: unknown }).sessionEnded === true;
}
