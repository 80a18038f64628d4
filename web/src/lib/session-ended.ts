import { pagePath, StaffReturnPathSchema } from '@amtsraum/shared';

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

/**
 * The history state with which a staff page sends someone without a session to the sign-in page,
 * naming itself: signed in, they come back to it (a bookmarked console, a session that ended
 * overnight) instead of to the list of their offices.
 */
export function returnTo(pathname: string): { returnTo: string } {
  return { returnTo: pathname };
}

/**
 * The state with which any staff or admin page sends someone to the sign-in page: the page itself
 * (with its query, such as the audit log's filters) to come back to, and, when a session ended
 * while the page was open, `SESSION_ENDED` too, so the sign-in page says so.
 */
export function signInState(
  location: { pathname: string; search?: string },
  ended = false,
): { returnTo: string; sessionEnded?: true } {
  const back = returnTo(location.pathname + (location.search ?? ''));
  return ended ? { ...back, ...SESSION_ENDED } : back;
}

/** The in-app path a history entry's state asks to return to after signing in; null for none. */
export function returnPathOf(state: unknown): string | null {
  if (typeof state !== 'object' || state === null) return null;
  const path = (state as { returnTo?: unknown }).returnTo;
  // A path of this site only, never another's (`//host`, `/\\host`).
  return typeof path === 'string' && /^\/(?![/\\])/.test(path) ? path : null;
}

/**
 * The page the sign-in page returns to once signed in, by password or through the provider: the
 * history state's `returnTo` (a staff or admin page sent the person here), else the address's
 * `?returnTo=`, which the server sets when a sign-in through the provider was refused or failed, and
 * only when it is one of the staff or admin pages (`StaffReturnPathSchema`); null for the staff home.
 */
export function signInReturnPath(state: unknown, search: URLSearchParams): string | null {
  const fromState = returnPathOf(state);
  if (fromState !== null) return fromState;
  const parsed = StaffReturnPathSchema.safeParse(search.get('returnTo'));
  return parsed.success ? parsed.data : null;
}

/**
 * The sign-in page a staff or admin page sends someone to: for a page of one municipality's
 * administration (`/admin/<tenant>/…`) with `?tenant=`, so it offers that municipality's identity
 * provider beside the password (accounts it created have none), and the provider's sign-in comes
 * back to the page too.
 */
export function signInPage(pathname: string): { pathname: string; search: string } {
  const tenant = /^\/admin\/([a-z0-9-]{1,63})(?:\/|$)/.exec(pathname)?.[1];
  const search = tenant && tenant !== 'installation' ? `?tenant=${tenant}` : '';
  return { pathname: pagePath('staffLogin'), search };
}

// The admin forms' typing kept over a new sign-in (ui/useLeaveGuard.tsx): the one prefix of its
// sessionStorage entries, here where the sign-in page can ask about them without loading the forms.
export const KEPT_DRAFT_PREFIX = 'amtsraum.unsaved:';

/** Whether this tab keeps an admin form's typing for after the sign-in (the sign-in page says so). */
export function hasKeptDrafts(): boolean {
  try {
    for (let i = 0; i < window.sessionStorage.length; i++) {
      if (window.sessionStorage.key(i)?.startsWith(KEPT_DRAFT_PREFIX)) return true;
    }
  } catch {
    // storage refused: nothing is kept
  }
  return false;
}
