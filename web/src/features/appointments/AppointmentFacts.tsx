import { pagePath, type CitizenAppointment, type LocalizedText } from '@amtsraum/shared';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { formatClock, formatLongDate } from '../../ui/format';
import { useLanguageName } from '../../ui/LanguageOptions';
import { ZoneNote } from '../../ui/ZoneNote';

/** One line of a `<dl className="facts">`: term and value side by side where there is room. */
export function Fact({ term, testId, children }: { term: string; testId?: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

/** "Beratung, Reisepass": the services' names, each marked when it is in another language. */
export function ServiceNames({ services }: { services: { slug: string; name: LocalizedText }[] }) {
  const localize = useLocalize();
  return services.map((service, position) => {
    const name = localize(service.name);
    return (
      <span key={service.slug} lang={name.lang}>
        {position > 0 && ', '}
        {name.text}
      </span>
    );
  });
}

/**
 * The office an appointment is with and its municipality, the office as a link to its page (its
 * door, its bookings): the way back from the appointment's own pages, whose address names neither.
 */
export function OfficeLink({
  appointment,
  testId,
}: {
  appointment: Pick<CitizenAppointment, 'tenantSlug' | 'tenantName' | 'departmentSlug' | 'departmentName'>;
  testId: string;
}) {
  const office = useLocalize()(appointment.departmentName);
  return (
    <>
      <Link
        to={pagePath('department', { tenant: appointment.tenantSlug, department: appointment.departmentSlug })}
        lang={office.lang}
        data-testid={testId}
      >
        {office.text}
      </Link>
      , {appointment.tenantName}
    </>
  );
}

/** Date and time (in the municipality's zone), office, services, persons and language of an appointment. */
export function AppointmentFacts({ appointment }: { appointment: CitizenAppointment }) {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const languageName = useLanguageName();
  const start = new Date(appointment.startsAt);
  const end = new Date(appointment.endsAt);

  return (
    <>
      <dl className="facts" data-testid="appointment-facts">
        <Fact term={t('summary.when')} testId="appointment-when">
          {t('summary.whenRange', {
            date: formatLongDate(start, locale, appointment.timeZone),
            time: formatClock(start, locale, appointment.timeZone),
            end: formatClock(end, locale, appointment.timeZone),
          })}
        </Fact>
        <Fact term={t('summary.office')}>
          <OfficeLink appointment={appointment} testId="appointment-office" />
        </Fact>
        <Fact term={t('summary.services')}>
          <ServiceNames services={appointment.services} />
        </Fact>
        <Fact term={t('summary.kind')} testId="appointment-kind">
          {t(`channel.${appointment.channel}`)}
        </Fact>
        <Fact term={t('summary.persons')}>{appointment.persons}</Fact>
        <Fact term={t('summary.name')}>{appointment.name}</Fact>
        <Fact term={t('summary.language')}>
          {languageName(appointment.language)}
          {appointment.interpreterLanguage &&
            `; ${t('summary.interpreter', { language: languageName(appointment.interpreterLanguage) })}`}
        </Fact>
      </dl>
      <ZoneNote timeZone={appointment.timeZone} />
    </>
  );
}
