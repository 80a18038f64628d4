import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { useLiveDoor } from '../../lib/useLive';
import { useLocalize } from '../../lib/useLocalize';
import { PageHeading } from '../../ui/PageHeading';
import { SignOutButton, StaffGate } from './StaffGate';

/**
 * Live lines for the first departments only: the hub watches at most 16 doors per connection
 * (MAX_DOORS_PER_SOCKET), and a page must not run into that limit.
 */
const LIVE_DEPARTMENTS = 12;

/** `/staff`: the departments of the signed-in staff member, each with who waits there now. */
export function StaffHomePage() {
  return <StaffGate>{(me) => <StaffHome me={me} />}</StaffGate>;
}

function StaffHome({ me }: { me: StaffMe }) {
  const { t } = useTranslation('console');
  const localize = useLocalize();
  const administers =
    me.staff.isInstallationAdmin || me.staff.isTenantAdmin || me.staff.departments.some((d) => d.role === 'admin');
  return (
    <>
      <PageHeading title={t('home.title')}>{t('home.heading')}</PageHeading>
      <div className="staff-bar">
        <p>{t('home.signedInAs', { name: me.staff.name })}</p>
        <SignOutButton />
      </div>
      {/* One's own name, languages, password and authenticator: reachable from here, not by address alone. */}
      <nav aria-label={t('home.account')} data-testid="staff-account-links">
        <ul className="staff-links">
          <li>
            <Link to={pagePath('staffProfile')}>{t('home.profile')}</Link>
          </li>
          <li>
            <Link to={pagePath('staffSecurity')}>{t('home.security')}</Link>
          </li>
        </ul>
      </nav>
      {administers && (
        <p data-testid="staff-admin-link">
          <Link to={pagePath('adminHome')}>{t('home.administration')}</Link>
        </p>
      )}
      <h2>{t('home.departmentsHeading')}</h2>
      {me.staff.departments.length === 0 ? (
        <p data-testid="staff-no-office">{t(administers ? 'home.noneAdmin' : 'home.none')}</p>
      ) : (
        <ul className="card-list">
          {me.staff.departments.map((department, index) => {
            const name = localize(department.name);
            return (
              <li key={department.id} className="card" data-testid={`staff-department-${department.slug}`}>
                <h3 className="card__title">
                  <Link to={pagePath('console', { departmentId: department.id })} lang={name.lang}>
                    {name.text}
                  </Link>
                </h3>
                <p>
                  {department.tenantName} · {t(`home.role.${department.role}`)}
                </p>
                {/* Where people wait, without opening each console (a clerk of two departments). */}
                {index < LIVE_DEPARTMENTS && (
                  <WaitingThere tenant={department.tenantSlug} department={department.slug} />
                )}
                <p>
                  <Link to={pagePath('staffAbsences', { departmentId: department.id })}>
                    {t('home.absences')}
                    <span className="visually-hidden" lang={name.lang}>
                      {' '}
                      ({name.text})
                    </span>
                  </Link>
                </p>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

/** How many wait in the department now, live (the door's own count, as its page shows it). */
function WaitingThere({ tenant, department }: { tenant: string; department: string }) {
  const { t } = useTranslation('directory');
  const live = useLiveDoor(tenant, department);
  if (!live) return null;
  const { waiting } = live.door;
  return (
    <p className="staff-waiting" data-testid="staff-department-waiting">
      {waiting > 0 ? t('liveDoor.waiting', { count: waiting }) : t('liveDoor.nobodyWaiting')}
    </p>
  );
}
