import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from '../../lib/router';
import { getLiveClient } from '../../lib/live-client';
import { keepWhileReloading } from '../../lib/useLoad';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { logout, useStaffMe } from './api';
import { ToSignIn } from '../../ui/LostRight';

/**
 * Loads the signed-in staff member; without a session, goes to the sign-in page. `reload` loads
 * them again while the page stays as it is (the staff home, when its roles changed).
 */
export function StaffGate({ children }: { children: (me: StaffMe, reload: () => void) => ReactNode }) {
  const state = keepWhileReloading(useStaffMe());
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <ToSignIn />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  return <>{children(state.data, state.reload)}</>;
}

/**
 * Signs out. `waiting`: the people left waiting with nobody else on duty (the console knows): then
 * the first press asks first, as a clerk signing out at the end of the day with people still in
 * the queue was told nothing, and nobody let them in.
 */
export function SignOutButton({ waiting = 0 }: { waiting?: number }) {
  const { t } = useTranslation('console');
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const stay = useRef<HTMLButtonElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) stay.current?.focus();
  }, [asking]);
  const signOut = () => {
    if (busy) return;
    setBusy(true);
    void logout()
      .catch(() => {})
      .finally(() => {
        getLiveClient().reconnectNow();
        void navigate(pagePath('staffLogin'));
      });
  };
  const confirming = asking && waiting > 0;
  return (
    <>
      <button
        ref={button}
        type="button"
        className="button"
        aria-disabled={busy || undefined}
        aria-expanded={waiting > 0 ? confirming : undefined}
        onClick={() => {
          if (waiting > 0 && !asking) setAsking(true);
          else signOut();
        }}
      >
        {t('home.signOut')}
      </button>
      {confirming && (
        <div className="notice notice--warning sign-out-confirm" data-testid="sign-out-confirm">
          <p role="alert">{t('console.signOutWaiting', { count: waiting })}</p>
          <div className="button-row">
            <button type="button" className="button button--danger" aria-disabled={busy || undefined} onClick={signOut}>
              {t('console.signOutAnyway')}
            </button>
            <button
              ref={stay}
              type="button"
              className="button button--secondary"
              onClick={() => {
                setAsking(false);
                button.current?.focus();
              }}
            >
              {t('console.signOutStay')}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
