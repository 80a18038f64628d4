import type { InstallationResponse } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageHeading } from '../../app/PageHeading';
import { ApiStateView } from '../errors/ApiStateView';
import { useInstallation } from './useDirectory';

export function InstallationHomePage() {
  const state = useInstallation();
  return <ApiStateView state={state}>{(data) => <InstallationHome data={data} />}</ApiStateView>;
}

function InstallationHome({ data }: { data: InstallationResponse }) {
  const { t } = useTranslation('directory');
  return (
    <>
      <PageHeading title={t('home.title')}>{t('home.heading')}</PageHeading>
      <p className="lead">{t('home.intro')}</p>
      <section aria-labelledby="tenants-heading">
        <h2 id="tenants-heading">{t('home.listHeading')}</h2>
        {data.tenants.length === 0 ? (
          <p>{t('home.empty')}</p>
        ) : (
          <ul className="card-list" data-testid="tenants">
            {data.tenants.map((tenant) => (
              <li key={tenant.slug} className="card card--accent" style={{ borderInlineStartColor: tenant.brandColor }}>
                <Link to={`/${tenant.slug}`} className="card__link">
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
