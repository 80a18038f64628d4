import { pagePath, type InstallationResponse } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { LoadStateView } from '../../ui/LoadStateView';
import { PageHeading } from '../../ui/PageHeading';
import { useInstallation } from './api';
import { SearchBox } from './SearchBox';

export function InstallationHomePage() {
  const state = useInstallation();
  return <LoadStateView state={state}>{(data) => <InstallationHome data={data} />}</LoadStateView>;
}

function InstallationHome({ data }: { data: InstallationResponse }) {
  const { t } = useTranslation('legal');
  return (
    <>
      <PageHeading title={t('home.title')}>{t('home.heading')}</PageHeading>
      <p className="lead">{t('home.intro')}</p>
      <SearchBox />
      <section aria-labelledby="tenants-heading">
        <h2 id="tenants-heading">{t('home.listHeading')}</h2>
        {data.tenants.length === 0 ? (
          <p>{t('home.empty')}</p>
        ) : (
          <ul className="card-list" data-testid="tenants">
            {data.tenants.map((tenant) => (
              <li key={tenant.slug} className="card card--accent" style={{ borderInlineStartColor: tenant.brandColor }}>
                <Link to={pagePath('tenant', { tenant: tenant.slug })} className="card__link">
                  {tenant.name}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
