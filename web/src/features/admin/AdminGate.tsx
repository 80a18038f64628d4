import { pagePath, type StaffMe } from '@amtsraum/shared';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../lib/api';
import { Link, useLocation } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { NotFoundOr } from '../directory';
import { useAdminMe } from './api';
import { ToSignIn } from '../../ui/LostRight';

/** Where staff set up their authenticator and prove it (the security page of the staff area). */
export const SECURITY_PATH = '/staff/security';

/** The signed-in staff member; without a session, the sign-in page. */
export function AdminGate({ children }: { children: (me: StaffMe) => ReactNode }) {
  const state = useAdminMe();
  return <AdminLoad state={state}>{children}</AdminLoad>;
}

/** A load of the admin API: loading, the failure explained (sign-in, second factor, no right), or the page. */
export function AdminLoad<T>({ state, children }: { state: LoadState<T>; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') return <AdminProblem error={state.error} retry={state.reload} />;
  return <>{children(state.data)}</>;
}

/** The security page, with the way back to `pathname` once the second factor is done. */
export function securityPathFrom(pathname: string) {
  return { pathname: SECURITY_PATH, search: `?back=${encodeURIComponent(pathname)}` };
}

export function AdminProblem({ error, retry }: { error: ApiError; retry: () => void }) {
  const { t } = useTranslation(['admin', 'errors']);
  const { pathname } = useLocation();
  if (error.code === 'unauthorized') return <ToSignIn />;
  if (error.code === 'second_factor_required') {
    // Behind SecondFactorGate, only if the API still asks for it. The answer does not say whether an
    // authenticator is set up: name both ways, as the admin home does.
    return (
      <div data-testid="admin-second-factor">
        <PageHeading title={t('secondFactor.title')} />
        <p className="lead">{t('errors:codes.second_factor_required')}</p>
        <p>
          <Link to={securityPathFrom(pathname)}>{t('secondFactor.link')}</Link>
        </p>
      </div>
    );
  }
  if (error.code === 'forbidden') {
    return (
      <NotFoundOr>
        <Forbidden />
      </NotFoundOr>
    );
  }
  return <ErrorPage error={error} retry={retry} />;
}

function Forbidden() {
  const { t } = useTranslation('admin');
  return (
    <div data-testid="admin-forbidden">
      <PageHeading title={t('forbidden.title')} />
      <p className="lead">{t('forbidden.text')}</p>
      <p>
        <Link to={pagePath('staffHome')}>{t('forbidden.back')}</Link>
      </p>
    </div>
  );
}
