import { ManageTokenSchema } from '@amtsraum/shared';
import { useEffect, useState } from 'react';

/**
 * Which link the token came with. Each page keeps its own: the e-mail's join link carries a
 * join-only token, which must not take the place of the manage link's token in this tab (Back
 * from the join page to the manage page would find no appointment).
 */
export type TokenPage = 'manage' | 'join';

const STORAGE_KEYS: Record<TokenPage, string> = {
  manage: 'amtsraum.appointment',
  join: 'amtsraum.appointment.join',
};

function readStored(page: TokenPage): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEYS[page]);
  } catch {
    return null;
  }
}

function store(page: TokenPage, token: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEYS[page], token);
  } catch {
    // storage disabled: the page still works until it is reloaded
  }
}

/** A token the server said manages the appointment too: the manage page opens with it. */
export function keepForManaging(token: string): void {
  store('manage', token);
}

function readHash(): string {
  const hash = window.location.hash.slice(1);
  try {
    return decodeURIComponent(hash);
  } catch {
    return hash; // malformed escapes: checked as it is, and rejected
  }
}

function dropHash(): void {
  if (!window.location.hash) return;
  const { pathname, search } = window.location;
  // Keep the router's entry state (its key), replace only the address.
  window.history.replaceState(window.history.state, '', `${pathname}${search}`);
}

export type FragmentToken = { status: 'missing' } | { status: 'invalid' } | { status: 'present'; token: string };

/**
 * The appointment token from the e-mail link's fragment (`/termin#<token>`, issue 6). The
 * fragment never reaches a server; it is dropped from the address bar at once, so it stays out
 * of the history, bookmarks and screenshots. Kept for this tab only, so a reload and the step
 * from the join page to the manage page (`keepForManaging`) keep working; the manage page and the
 * join page each keep their own. A second link opened in the same tab (only the fragment changes,
 * so the page does not reload) is taken up too.
 */
export function useFragmentToken(page: TokenPage): FragmentToken {
  const [token, setToken] = useState(() => readHash() || readStored(page));
  useEffect(() => {
    dropHash();
    const onHashChange = () => {
      const next = readHash();
      if (next) setToken(next);
      dropHash();
    };
    window.addEventListener('hashchange', onHashChange);
    return () => {
      window.removeEventListener('hashchange', onHashChange);
    };
  }, []);
  const valid = token !== null && ManageTokenSchema.safeParse(token).success;
  useEffect(() => {
    if (token !== null && valid) store(page, token);
  }, [page, token, valid]);
  if (token === null || token === '') return { status: 'missing' };
  return valid ? { status: 'present', token } : { status: 'invalid' };
}
