import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { proveSecondFactor, useStaffMe } from './api';
import { CodeForm } from './CodeForm';
import { ToSignIn } from '../../ui/LostRight';
import { DraftsOf } from '../../ui/useLeaveGuard';

export interface SecondFactorGateProps {
  /** The admin page, rendered once the session is proved; a function gets who is signed in. */
  children: ReactNode | ((me: StaffMe) => ReactNode);
  /** Bump it when an API answer says `second_factor_required` (the session ended its proof): the gate asks again. */
  version?: number;
}

/**
 * Wraps an admin page: loads `/api/staff/me`; without a session goes to the sign-in page; when
 * the session is not proved with a second factor, shows the step-up form in place of the page
 * (or, without an authenticator yet, a link to set one up), and renders the page after success.
 */
export function SecondFactorGate({ children, version = 0 }: SecondFactorGateProps) {
  const { t } = useTranslation('security');
  const state = useStaffMe(version);
  // Proved here, for this version: the page shows without loading /me again.
  const [proved, setProved] = useState<{ version: number; me: StaffMe } | null>(null);
  const here = typeof window === 'undefined' ? '' : window.location.pathname;
  // The admin forms below keep typing over a new sign-in for this account only (useKeptDraft).
  const render = (me: StaffMe) => (
    <DraftsOf owner={me.staff.id}>{typeof children === 'function' ? children(me) : children}</DraftsOf>
  );

  if (proved?.version === version) return render(proved.me);
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <ToSignIn />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  const me = state.data;
  if (me.staff.secondFactor.proved) return render(me);

  return (
    <div data-testid="second-factor-gate">
      <PageHeading title={t('gate.title')}>{t('gate.heading')}</PageHeading>
      {me.staff.secondFactor.enrolled ? (
        <>
          <p>{t('gate.intro')}</p>
          <CodeForm
            label={t('gate.formLabel')}
            submitLabel={t('gate.submit')}
            send={proveSecondFactor}
            onProved={(next) => {
              setProved({ version, me: next });
            }}
            testId="step-up-form"
          />
          <p className="muted">{t('gate.lostPhone')}</p>
        </>
      ) : (
        <>
          <p>{t('gate.notEnrolled')}</p>
          <p>
            <Link
              to={{ pathname: pagePath('staffSecurity'), search: `?back=${encodeURIComponent(here)}` }}
              className="button button--primary"
            >
              {t('gate.setUp')}
            </Link>
          </p>
        </>
      )}
    </div>
  );
}
