import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from '../../lib/router';
import { getLiveClient } from '../../lib/live-client';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { logout, useStaffMe } from './api';
import { ToSignIn } from '../../ui/LostRight';

/** Loads the signed-in staff member; without a session, goes to the sign-in page. */
export function StaffGate({ children }: { children: (me: StaffMe) => ReactNode }) {
  const state = useStaffMe();
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <ToSignIn />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  return <>{children(state.data)}</>;
}

export function SignOutButton() {
  const { t } = useTranslation('console');
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="button"
      aria-disabled={busy || undefined}
      onClick={() => {
        if (busy) return;
        setBusy(true);
        void logout()
          .catch(() => {})
          .finally(() => {
            getLiveClient().reconnectNow();
            void navigate(pagePath('staffLogin'));
          });
      }}
    >
      {t('home.signOut')}
    </button>
  );
}
