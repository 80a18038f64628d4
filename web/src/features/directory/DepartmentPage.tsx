import { pagePath, type Contact, type DepartmentResponse, type DoorLive, type Service } from '@amtsraum/shared';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from '../../lib/router';
import { useLiveDoor } from '../../lib/useLive';
import { useLocalize } from '../../lib/useLocalize';
import { Breadcrumbs } from '../../ui/Breadcrumbs';
import { LiveStatus } from '../../ui/LiveStatus';
import { LoadStateView } from '../../ui/LoadStateView';
import { PageHeading } from '../../ui/PageHeading';
import { ZoneNote } from '../../ui/ZoneNote';
import { useDepartment } from './api';
import { ClosureList } from './ClosureList';
import { ContactDetails } from './ContactDetails';
import { DoorStatus } from './DoorStatus';
import { LiveDoorSummary } from './LiveDoorSummary';
import { OpeningHoursTable } from './OpeningHoursTable';
import { ServiceList } from './ServiceList';
import { TenantBanner } from './TenantBanner';
import { useFollowedDepartment } from './useFollowedDepartment';

/** What the department page knows when it offers the way in (knocking is the visits feature's). */
export interface DoorContext {
  tenantSlug: string;
  departmentSlug: string;
  timeZone: string;
  /** The door as it is now, live; null until the first live message. */
  door: DoorLive | null;
  services: Service[];
  contact: Contact;
}

interface DepartmentPageProps {
  /** The way in below the door: the route plugs in the knock form (see app/routes.tsx). */
  renderEntry?: (door: DoorContext) => ReactNode;
}

/** `/:tenant/:department`: a department's door, live, with its services, hours and contact. */
export function DepartmentPage({ renderEntry }: DepartmentPageProps) {
  const { tenant = '', department = '' } = useParams();
  const state = useDepartment(tenant, department);
  return (
    <LoadStateView state={state} tenantSlug={tenant}>
      {(data) => <DepartmentDetails data={data} renderEntry={renderEntry} />}
    </LoadStateView>
  );
}

function DepartmentDetails({
  data,
  renderEntry,
}: {
  data: DepartmentResponse;
  renderEntry: DepartmentPageProps['renderEntry'];
}) {
  const { t } = useTranslation('directory');
  const localize = useLocalize();
  // The door as it is now, live; the page's own copy until the first message arrives.
  const live = useLiveDoor(data.tenant.slug, data.department.slug);
  const liveDoor = live?.door ?? null;
  // Hours, closures, services, contact and description follow too, read again when the door's
  // message says they changed (issue 15).
  const { tenant, department } = useFollowedDepartment(data, live?.revision);
  const name = localize(department.name);
  const description = localize(department.description);
  const bookingKind = bookingKindOf(department.services);

  return (
    <>
      <Breadcrumbs
        items={[{ label: tenant.name, to: pagePath('tenant', { tenant: tenant.slug }) }, { label: name.text }]}
      />
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

      {renderEntry?.({
        tenantSlug: tenant.slug,
        departmentSlug: department.slug,
        timeZone: tenant.timeZone,
        door: liveDoor,
        services: department.services,
        contact: department.contact,
      })}

      {bookingKind && (
        <section aria-labelledby="booking-heading" className="panel" data-testid="booking-offer">
          <h2 id="booking-heading">{t('department.booking.heading', { context: bookingKind })}</h2>
          <p>{t('department.booking.text', { context: bookingKind })}</p>
          <p>
            <Link className="button" to={pagePath('booking', { tenant: tenant.slug, department: department.slug })}>
              {t('department.booking.link', { context: bookingKind })}
            </Link>
          </p>
        </section>
      )}

      <div className="department-grid">
        <section aria-labelledby="services-heading" className="department-grid__main">
          <h2 id="services-heading">{t('department.servicesHeading')}</h2>
          <ServiceList services={department.services} onsiteLocation={department.onsiteLocation} />
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

/**
 * Which appointments the booking offer speaks of (issue 16): video, on site or both, over the
 * bookable services (older servers leave the kind out: video); null when none is bookable.
 */
function bookingKindOf(services: Service[]): 'video' | 'onsite' | 'both' | null {
  let video = false;
  let onsite = false;
  for (const service of services) {
    if (!service.bookable) continue;
    const kind = service.channels ?? 'video';
    video ||= kind !== 'onsite';
    onsite ||= kind !== 'video';
  }
  return video && onsite ? 'both' : onsite ? 'onsite' : video ? 'video' : null;
}
