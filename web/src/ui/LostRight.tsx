import { pagePath } from '@amtsraum/shared';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../lib/api';
import type { LoadState } from '../lib/useLoad';
import { Link, Navigate, useLocation, useNavigate } from '../lib/router';
import { signInPage, signInState } from '../lib/session-ended';
import { keepUnsavedDrafts } from './useLeaveGuard';

/**
 * Whether an admin page's action was refused because the right it needs was taken away while the
 * page was open (issue 15): forbidden, without a reason of its own (such as "not for your own
 * account", `reason` lock_out). The page loaded with the right, so it was lost meanwhile.
 */
export function isLostRight(error: ApiError): boolean {
  return error.code === 'forbidden' && !error.extras.reason;
}

/**
 * Whether a page's load was refused: without the right, or (the admin API says the same) at an
 * address naming a municipality or department that does not exist (`NotFoundOr` tells them apart).
 */
export function isRefused(state: LoadState<unknown>): boolean {
  return state.status === 'error' && state.error.code === 'forbidden';
}

/**
 * The refused action, said in plain words, with the way on to the staff home. It appears only
 * as the answer to an action, and takes focus then, so screen readers read it and the next Tab
 * reaches the link (give it a new `key` to announce it again).
 */
export function LostRight() {
  const { t } = useTranslation('errors');
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <div ref={ref} tabIndex={-1} role="alert" className="notice notice--warning" data-testid="admin-lost-right">
      <p>
        <strong>{t('lostRight.title')}</strong> {t('lostRight.text')}
      </p>
      <p>
        <Link to={pagePath('staffHome')}>{t('lostRight.link')}</Link>
      </p>
    </div>
  );
}

/**
 * At a page's load: the right it needs is not there, or no longer (an admin's right, or a clerk's
 * place in the department), said plainly with the way on to the staff home.
 */
export function NoRight({ reason, testId }: { reason: 'admin' | 'department'; testId?: string }) {
  const { t } = useTranslation('errors');
  return (
    <div className="notice notice--warning" data-testid={testId}>
      <p>{t(`noRight.${reason}`)}</p>
      <p>
        <Link to={pagePath('staffHome')}>{t('lostRight.link')}</Link>
      </p>
    </div>
  );
}

/**
 * Every staff and admin page's way to the sign-in page without a session: signed in again, the
 * person comes back to this page (its path and query), as to the console, not to the staff home.
 * `ended`: the session ended while the page was open, and the sign-in page says so.
 */
export function ToSignIn({ ended = false }: { ended?: boolean }) {
  const location = useLocation();
  // A load of the page's data (a reload, the tab shown again) found the session ended while the
  // admin typed: the forms keep their typing as at a save. Now, while this render replaces them:
  // their keepers go with their effects' cleanups, before any effect of this one would run.
  // Keeping twice writes the same; a first load without a session has no forms, and keeps nothing.
  const [kept] = useState(keepUnsavedDrafts);
  return <Navigate to={signInPage(location.pathname)} replace state={signInState(location, ended || kept > 0)} />;
}

/**
 * For an action's failure on a staff page: a session ended meanwhile (signed out elsewhere, the
 * account deactivated) goes to the sign-in page, which says so, and back to this page after it,
 * where the admin forms' changes not saved yet are filled in again (`useKeptDraft`).
 * True when that was the failure.
 */
export function useSessionEnded(): (error: ApiError) => boolean {
  const navigate = useNavigate();
  const location = useLocation();
  return (error) => {
    if (error.code !== 'unauthorized') return false;
    keepUnsavedDrafts();
    void navigate(signInPage(location.pathname), { replace: true, state: signInState(location, true) });
    return true;
  };
}

/** How issue 15 answers a refused action on a staff page: the session ended, the right was lost, or neither. */
export function refusalOf(error: ApiError): 'sessionEnded' | 'lostRight' | null {
  if (error.code === 'unauthorized') return 'sessionEnded';
  return isLostRight(error) ? 'lostRight' : null;
}

/**
 * An action's failure on an admin page, answered as issue 15 asks: an ended session goes to the
 * sign-in page, a right taken meanwhile shows `notice` (`LostRight`, new and focused at each such
 * refusal). `refused(error)` is true for these two, and then the caller shows nothing else; any
 * other failure, or `clear()`, takes the notice away.
 */
export function useRefusal(): { refused: (error: ApiError) => boolean; clear: () => void; notice: ReactNode } {
  const sessionEnded = useSessionEnded();
  const [lost, setLost] = useState({ shown: false, at: 0 });
  const refused = (error: ApiError) => {
    if (sessionEnded(error)) return true;
    const isLost = refusalOf(error) === 'lostRight';
    setLost((was) => ({ shown: isLost, at: isLost ? was.at + 1 : was.at }));
    return isLost;
  };
  const clear = () => {
    setLost((was) => (was.shown ? { ...was, shown: false } : was));
  };
  return { refused, clear, notice: lost.shown ? <LostRight key={lost.at} /> : null };
}
