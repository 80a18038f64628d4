/**
 * The history state with which the clerk's ended call goes back to the console: there the focus
 * goes to "let the next person in", as after finishing from the console, instead of to the page's
 * heading, a dozen Tab presses away from the next person (a clerk does this all day).
 */
export const AFTER_CALL = { afterCall: true } as const;

/** Whether a history entry's state is `AFTER_CALL`'s. */
export function cameFromCall(state: unknown): boolean {
  return typeof state === 'object' && state !== null && (state as { afterCall?: unknown }).afterCall === true;
}
