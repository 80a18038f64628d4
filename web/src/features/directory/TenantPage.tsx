import { pagePath, type TenantResponse } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { Breadcrumbs } from '../../ui/Breadcrumbs';
import { LoadStateView } from '../../ui/LoadStateView';
import { PageHeading } from '../../ui/PageHeading';
import { ZoneNote } from '../../ui/ZoneNote';
import { useTenant } from './api';
import { DoorStatus } from './DoorStatus';
import { TenantBanner } from './TenantBanner';
import { SearchBox } from './SearchBox';

export function TenantPage() {
  const { tenant = '' } = useParams();
  const state = useTenant(tenant);
  return <LoadStateView state={state}>{(data) => <TenantStart data={data} />}</LoadStateView>;
}

function TenantStart({ data: { tenant, departments } }: { data: TenantResponse }) {
  const { t } = useTranslation('legal');
  const localize = useLocalize();
  return (
    <>
      <Breadcrumbs items={[{ label: tenant.name }]} />
      <TenantBanner tenant={tenant}>
        <PageHeading title={tenant.name} />
      </TenantBanner>
      <SearchBox tenant={tenant.slug} />
      <section aria-labelledby="departments-heading">
        <h2 id="departments-heading">{t('tenant.departmentsHeading')}</h2>
        <ZoneNote timeZone={tenant.timeZone} />
        {departments.length === 0 ? (
          <p>{t('tenant.empty')}</p>
        ) : (
          <ul className="card-list" data-testid="departments">
            {departments.map((department) => {
              const name = localize(department.name);
              const description = localize(department.description);
              return (
                <li key={department.slug} className="card" data-testid={`department-${department.slug}`}>
                  <h3 className="card__title">
                    <Link
                      to={pagePath('department', { tenant: tenant.slug, department: department.slug })}
                      lang={name.lang}
                    >
                      {name.text}
                    </Link>
                  </h3>
                  <p lang={description.lang}>{description.text}</p>
                  <DoorStatus door={department.door} timeZone={tenant.timeZone} />
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
