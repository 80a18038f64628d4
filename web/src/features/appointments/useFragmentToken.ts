import { ManageTokenSchema } from '@amtsraum/shared';
import { useEffect, useState } from 'react';

const STORAGE_KEY = 'amtsraum.appointment';

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function store(token: string): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage disabled: the page still works until it is reloaded
  }
}

function readHash(): string {
  try {
    return decodeURIComponent(window.location.hash.slice(1));
  } catch {
    return window.location.hash.slice(1); // malformed escapes: checked as it is, and rejected
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
 * from the join page to the manage page keep working. A second link opened in the same tab
 * (only the fragment changes, so the page does not reload) is taken up too.
 */
export function useFragmentToken(): FragmentToken {
  const [token, setToken] = useState(() => readHash() || readStored());
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
    if (token !== null && valid) store(token);
  }, [token, valid]);
  if (token === null || token === '') return { status: 'missing' };
  return valid ? { status: 'present', token } : { status: 'invalid' };
}
