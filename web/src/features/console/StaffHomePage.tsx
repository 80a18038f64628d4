import type { StaffMe } from '@amtsraum/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate } from 'react-router';
import { sendForNothing } from '../../app/api';
import { currentLocale } from '../../app/i18n';
import { getLiveClient } from '../../app/live-client';
import { PageHeading } from '../../app/PageHeading';
import { useLocalize } from '../directory/useLocalize';
import { ErrorPage } from '../errors/ErrorPage';
import { LoadingState } from '../errors/LoadingState';
import { useStaffMe } from './useStaffMe';

/** Loads the signed-in staff member; without a session, goes to the sign-in page. */
export function StaffGate({ children }: { children: (me: StaffMe) => React.ReactNode }) {
  const state = useStaffMe();
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'unauthorized') return <Navigate to="/staff/login" replace />;
    return <ErrorPage error={state.error} retry={state.retry} />;
  }
  return <>{children(state.data)}</>;
}

export function SignOutButton() {
  const { t } = useTranslation('staff');
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
        void sendForNothing('POST', '/api/staff/logout', undefined, { language: currentLocale() })
          .catch(() => {})
          .finally(() => {
            getLiveClient().reconnectNow();
            void navigate('/staff/login');
          });
      }}
    >
      {t('home.signOut')}
    </button>
  );
}

/** `/staff`: the departments of the signed-in staff member. */
export function StaffHomePage() {
  return <StaffGate>{(me) => <StaffHome me={me} />}</StaffGate>;
}

function StaffHome({ me }: { me: StaffMe }) {
  const { t } = useTranslation('staff');
  const localize = useLocalize();
  return (
    <>
      <PageHeading title={t('home.title')}>{t('home.heading')}</PageHeading>
      <div className="staff-bar">
        <p>{t('home.signedInAs', { name: me.staff.name })}</p>
        <SignOutButton />
      </div>
      <h2>{t('home.departmentsHeading')}</h2>
      {me.staff.departments.length === 0 ? (
        <p>{t('home.none')}</p>
      ) : (
        <ul className="card-list">
          {me.staff.departments.map((department) => {
            const name = localize(department.name);
            return (
              <li key={department.id} className="card" data-testid={`staff-department-${department.slug}`}>
                <h3 className="card__title">
                  <Link to={`/staff/${department.id}`} lang={name.lang}>
                    {name.text}
                  </Link>
                </h3>
                <p>
                  {department.tenantName} · {t(`home.role.${department.role}`)}
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
