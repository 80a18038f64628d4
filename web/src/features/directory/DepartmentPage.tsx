import type { DepartmentResponse } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Breadcrumbs } from '../../app/Breadcrumbs';
import { PageHeading } from '../../app/PageHeading';
import { LiveStatus } from '../../app/LiveStatus';
import { useLiveDoor, useLiveVisit } from '../../app/useLive';
import { ApiStateView } from '../errors/ApiStateView';
import { KnockSection } from '../knock/KnockSection';
import { LiveDoorSummary } from '../knock/LiveDoorSummary';
import { ClosureList } from './ClosureList';
import { ContactDetails } from './ContactDetails';
import { DoorStatus } from './DoorStatus';
import { OpeningHoursTable } from './OpeningHoursTable';
import { ServiceList } from './ServiceList';
import { TenantBanner } from './TenantBanner';
import { useDepartment } from './useDirectory';
import { useLocalize } from './useLocalize';
import { ZoneNote } from './ZoneNote';

export function DepartmentPage() {
  const { tenant = '', department = '' } = useParams();
  const state = useDepartment(tenant, department);
  return (
    <ApiStateView state={state} tenantSlug={tenant}>
      {(data) => <DepartmentDetails data={data} />}
    </ApiStateView>
  );
}

function DepartmentDetails({ data: { tenant, department } }: { data: DepartmentResponse }) {
  const { t } = useTranslation('directory');
  const { t: tBooking } = useTranslation('booking');
  const localize = useLocalize();
  const name = localize(department.name);
  const description = localize(department.description);
  // The door as it is now, live; the page's own copy until the first message arrives.
  const liveDoor = useLiveDoor(tenant.slug, department.slug);
  const visit = useLiveVisit();

  return (
    <>
      <Breadcrumbs items={[{ label: tenant.name, to: `/${tenant.slug}` }, { label: name.text }]} />
      <TenantBanner tenant={tenant}>
        <p className="tenant-banner__kicker">{tenant.name}</p>
        <PageHeading title={`${name.text} – ${tenant.name}`}>
          <span lang={name.lang}>{name.text}</span>
        </PageHeading>
      </TenantBanner>
      <p className="lead" lang={description.lang}>
        {description.text}
      </p>

      <section aria-labelledby="status-heading" className="panel">
        <h2 id="status-heading">{t('department.statusHeading')}</h2>
        <div aria-live="polite" data-testid="door-live-region">
          <DoorStatus door={liveDoor ?? department.door} timeZone={tenant.timeZone} />
          {liveDoor && <LiveDoorSummary door={liveDoor} />}
        </div>
        <ZoneNote timeZone={tenant.timeZone} />
        <LiveStatus />
      </section>

      {liveDoor && (
        <KnockSection
          tenantSlug={tenant.slug}
          departmentSlug={department.slug}
          timeZone={tenant.timeZone}
          door={liveDoor}
          services={department.services}
          contact={department.contact}
          visit={visit}
        />
      )}

      {department.services.some((service) => service.bookable) && (
        <section aria-labelledby="booking-heading" className="panel" data-testid="booking-offer">
          <h2 id="booking-heading">{tBooking('department.heading')}</h2>
          <p>{tBooking('department.text')}</p>
          <p>
            <Link className="button" to={`/${tenant.slug}/${department.slug}/termin`}>
              {tBooking('department.link')}
            </Link>
          </p>
        </section>
      )}

      <div className="department-grid">
        <section aria-labelledby="services-heading" className="department-grid__main">
          <h2 id="services-heading">{t('department.servicesHeading')}</h2>
          <ServiceList services={department.services} />
        </section>

        <div className="department-grid__side">
          <section aria-labelledby="hours-heading">
            <h2 id="hours-heading">{t('department.hoursHeading')}</h2>
            <OpeningHoursTable hours={department.openingHours} timeZone={tenant.timeZone} labelledBy="hours-heading" />
          </section>
          <section aria-labelledby="closures-heading">
            <h2 id="closures-heading">{t('department.closuresHeading')}</h2>
            <ClosureList closures={department.closures} />
          </section>
          <section aria-labelledby="contact-heading">
            <h2 id="contact-heading">{t('department.contactHeading')}</h2>
            <ContactDetails contact={department.contact} />
          </section>
        </div>
      </div>
    </>
  );
}
