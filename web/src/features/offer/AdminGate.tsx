import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../lib/api';
import { Link, useLocation } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { LoadStateView } from '../../ui/LoadStateView';
import { NoRight, ToSignIn } from '../../ui/LostRight';

/**
 * An admin page's data, or why there is none: not signed in, the second factor not yet proved
 * (a link to the security page), not allowed, or any other failure as everywhere.
 */
export function AdminGate<T>({ state, children }: { state: LoadState<T>; children: (data: T) => ReactNode }) {
  // While reloading after a change, the page stays as it was and keeps what it says about it
  // (in the same element tree, or React would mount the page afresh).
  const shown: LoadState<T> =
    state.status === 'loading' && state.previous !== null
      ? { status: 'success', data: state.previous, reload: state.reload }
      : state;
  if (state.status === 'error') {
    const refusal = refusalOf(state.error);
    // Without a session, the sign-in page; without the right, plainly that, with the way on.
    if (refusal === 'unauthorized') return <ToSignIn />;
    if (refusal === 'forbidden') return <NoRight reason="admin" testId="admin-forbidden" />;
    if (refusal) return <SecondFactorRequired />;
  }
  return <LoadStateView state={shown}>{children}</LoadStateView>;
}

type Refusal = 'unauthorized' | 'second_factor_required' | 'forbidden';

function refusalOf(error: ApiError): Refusal | null {
  return error.code === 'unauthorized' || error.code === 'second_factor_required' || error.code === 'forbidden'
    ? error.code
    : null;
}

/** The second factor not yet proved: both ways named, and the security page with the way back here. */
export function SecondFactorRequired() {
  const { t } = useTranslation(['offer', 'errors']);
  const { pathname } = useLocation();
  return (
    <div className="notice notice--warning" data-testid="admin-second_factor_required">
      <p>{t('errors:codes.second_factor_required')}</p>
      <Link to={{ pathname: '/staff/security', search: `?back=${encodeURIComponent(pathname)}` }}>
        {t('offer:gate.security')}
      </Link>
    </div>
  );
}
