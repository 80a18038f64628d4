import { pagePath } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../lib/router';
import { PageHeading } from './PageHeading';

interface NotFoundPageProps {
  /** What was not found: decides the explanation and the way back. */
  reason: 'route' | 'tenant' | 'department';
  /** For an unknown department: the tenant whose offices to go back to. */
  tenantSlug?: string;
}

export function NotFoundPage({ reason, tenantSlug }: NotFoundPageProps) {
  const { t } = useTranslation('errors');
  return (
    <div className="not-found" data-testid="not-found">
      <PageHeading title={t('notFound.title')} />
      <p className="lead">{t(`notFound.${reason}`)}</p>
      <ul className="link-list">
        {reason === 'department' && tenantSlug && (
          <li>
            <Link to={pagePath('tenant', { tenant: tenantSlug })}>{t('notFound.backTenant')}</Link>
          </li>
        )}
        <li>
          <Link to={pagePath('home')}>{t('notFound.backHome')}</Link>
        </li>
      </ul>
    </div>
  );
}
