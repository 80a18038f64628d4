import { pagePath, type StaffMe } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { PageHeading } from '../../ui/PageHeading';
import { AdminGate, SECURITY_PATH } from './AdminGate';
import './admin.css';

/** `/admin`: what the signed-in person administers. */
export function AdminHomePage() {
  return <AdminGate>{(me) => <AdminHome me={me} />}</AdminGate>;
}

function AdminHome({ me }: { me: StaffMe }) {
  const { t } = useTranslation('admin');
  const localize = useLocalize();
  const { staff } = me;
  const departments = staff.departments.filter((d) => d.role === 'admin');
  const nothing = !staff.isInstallationAdmin && !staff.isTenantAdmin && departments.length === 0;
  return (
    <>
      <PageHeading title={t('home.title')} />
      <p>{t('home.signedInAs', { name: staff.name })}</p>
      {!staff.secondFactor.proved && !nothing && (
        // Without an authenticator there is no code to ask for: lead them to set one up first.
        <p className="admin-notice" data-testid="admin-second-factor-hint">
          {staff.secondFactor.enrolled ? t('secondFactor.text') : t('secondFactor.notEnrolled')}{' '}
          <Link to={{ pathname: SECURITY_PATH, search: `?back=${encodeURIComponent(pagePath('adminHome'))}` }}>
            {staff.secondFactor.enrolled ? t('secondFactor.link') : t('secondFactor.setUp')}
          </Link>
        </p>
      )}
      {nothing && <p>{t('home.nothing')}</p>}
      <ul className="card-list">
        {staff.isInstallationAdmin && (
          <li className="card">
            <h2 className="card__title">
              <Link to="/admin/installation">{t('home.installation')}</Link>
            </h2>
          </li>
        )}
        {staff.isTenantAdmin && (
          <li className="card" data-testid="admin-home-tenant">
            <h2 className="card__title">
              <Link to={pagePath('adminTenant', { tenant: staff.tenantSlug })}>{t('home.tenant')}</Link>
            </h2>
            <p>{t('home.tenantHint')}</p>
          </li>
        )}
        {departments.map((department) => {
          const name = localize(department.name);
          return (
            <li key={department.id} className="card" data-testid={`admin-home-department-${department.slug}`}>
              <h2 className="card__title">
                <Link
                  to={pagePath('adminDepartment', { tenant: department.tenantSlug, department: department.slug })}
                  lang={name.lang}
                >
                  {name.text}
                </Link>
              </h2>
              <p>{department.tenantName}</p>
            </li>
          );
        })}
      </ul>
      <p>
        <Link to={pagePath('staffHome')}>{t('home.back')}</Link>
      </p>
    </>
  );
}
