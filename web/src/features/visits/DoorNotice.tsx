import { pagePath, PLACE_HOLD_MINUTES, type CitizenVisit } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { formatClock } from '../../ui/format';
import { useDepartment } from '../directory';

// The waiting room's notice while nobody can let the citizen in, and its offer of an appointment:
// a chunk of its own, loaded when shown (the waiting room page is at its budget, web/vite.config.ts).

/**
 * Why nobody can let this person in now, if so: the door closed or paused (a clerk's setting or
 * the opening hours), else nobody on duty. The estimate then would promise what nobody keeps.
 */
export type Blocked = 'closed' | 'paused' | 'unattended';

/**
 * What happens to the place while nobody can let this person in, as the server handles it: a
 * closed or paused door takes no new knocks but keeps the queue, and clerks on duty may still
 * admit; with nobody on duty, a walk-in's place is held (`placeHeldUntil`, issue 13) and then
 * ends, so an appointment is offered. Appointment arrivals are never ended for it.
 */
export default function DoorNotice({ visit, reason }: { visit: CitizenVisit; reason: Blocked | null }) {
  const { t, i18n } = useTranslation('waiting');
  const department = useDepartment(visit.tenantSlug, visit.departmentSlug);
  // Ended because nobody came on duty: only the way to an appointment.
  if (!reason) return <BookingOffer visit={visit} department={department} />;
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const timeZone = department.status === 'success' ? department.data.tenant.timeZone : null;
  const onDuty = visit.door?.onDuty ?? false;
  const walkIn = visit.kind === 'walk_in';
  const minutes = PLACE_HOLD_MINUTES;
  let place: string | null;
  if (onDuty) place = walkIn ? t('wait.holdIfNobody', { minutes }) : null;
  else if (!walkIn) place = t('wait.unattendedAppointment');
  else if (!visit.placeHeldUntil) place = t('wait.unattendedSoon', { minutes });
  else
    place = timeZone && t('wait.unattended', { time: formatClock(new Date(visit.placeHeldUntil), locale, timeZone) });
  return (
    <section
      className="panel panel--notice"
      aria-labelledby="wait-door-notice"
      data-testid="door-notice"
      data-reason={reason}
    >
      <h2 id="wait-door-notice">{t(`wait.blockedHeading.${reason}`)}</h2>
      {reason !== 'unattended' && <p>{t(`wait.doorKeepsPlace.${reason}`)}</p>}
      {place && <p>{place}</p>}
      {walkIn && !onDuty && <BookingOffer visit={visit} department={department} />}
    </section>
  );
}

/** The way to an appointment instead, where the department takes bookings. */
function BookingOffer({ visit, department }: { visit: CitizenVisit; department: ReturnType<typeof useDepartment> }) {
  const { t } = useTranslation('waiting');
  if (department.status !== 'success' || !department.data.department.services.some((s) => s.bookable)) return null;
  return (
    <p>
      {t('wait.unattendedBook')}{' '}
      <Link
        className="button"
        to={pagePath('booking', { tenant: visit.tenantSlug, department: visit.departmentSlug })}
        data-testid="book-instead"
      >
        {t('wait.bookLink')}
      </Link>
    </p>
  );
}
