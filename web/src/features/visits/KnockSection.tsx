import { pagePath } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import type { ApiError } from '../../lib/api';
import { message, type Message } from '../../lib/message';
import { useLiveVisit } from '../../lib/useLive';
import { useDepartmentPhrase } from '../../lib/useLocalize';
import { formatClock, formatDay } from '../../ui/format';
import { ContactDetails, type DoorContext } from '../directory';
import { KnockForm } from './KnockForm';

const ACTIVE = new Set(['waiting', 'admitted', 'in_call']);

/**
 * The way in on a department's page: the knock form, a link to the waiting room, or why knocking
 * is not possible now.
 */
export function KnockSection({ tenantSlug, departmentSlug, timeZone, door, services, contact }: DoorContext) {
  const { t, i18n } = useTranslation('visits');
  const phrase = useDepartmentPhrase();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const visit = useLiveVisit();

  const nextOpeningText = (at: string | Date | null) => {
    if (!at) return null;
    const next = new Date(at);
    if (Number.isNaN(next.getTime())) return null;
    return t('unavailable.nextOpening', {
      date: formatDay(next, locale, timeZone),
      time: formatClock(next, locale, timeZone),
    });
  };

  // Worded when shown (a Message), so a language switch reaches it; the time zone is the tenant's.
  const describeFailure = (error: ApiError): Message =>
    message((tr, locale) => {
      const text = tr(`errors:codes.${error.code}`);
      const next = error.nextOpening;
      return next
        ? `${text} ${tr('visits:unavailable.nextOpening', {
            date: formatDay(next, locale, timeZone),
            time: formatClock(next, locale, timeZone),
          })}`
        : text;
    });

  // Wait for the live answers before offering the form, so a waiting citizen never sees it.
  if (visit.status === 'unknown' || !door) return null;

  if (visit.visit && ACTIVE.has(visit.visit.state)) {
    const own = visit.visit;
    const at = phrase({ name: own.departmentName, nameForms: own.departmentNameForms }, 'at');
    return (
      <section aria-labelledby="knock-active-heading" className="panel panel--notice" data-testid="active-visit">
        <h2 id="knock-active-heading">{t('active.heading')}</h2>
        <p>{own.state === 'waiting' ? t('active.text', { at }) : <>{t('active.admitted')}</>}</p>
        <p>
          <Link
            className="button button--primary"
            to={pagePath('waitingRoom', { tenant: own.tenantSlug, department: own.departmentSlug })}
          >
            {t('active.link')}
          </Link>
        </p>
      </section>
    );
  }

  if (door.canKnock) {
    return (
      <section className="panel">
        <KnockForm
          tenantSlug={tenantSlug}
          departmentSlug={departmentSlug}
          services={services}
          describeFailure={describeFailure}
        />
      </section>
    );
  }

  const reason =
    door.state !== 'closed' && door.unattended
      ? 'unattended'
      : door.queueFull
        ? 'queueFull'
        : door.state === 'paused'
          ? 'paused'
          : 'closed';
  const next = door.state === 'closed' ? nextOpeningText(door.nextOpening) : null;
  const bookable = services.some((service) => service.bookable);
  return (
    <section
      aria-labelledby="knock-unavailable-heading"
      className="panel"
      data-testid="knock-unavailable"
      data-reason={reason}
    >
      <h2 id="knock-unavailable-heading">{t('unavailable.heading')}</h2>
      <p>
        {t(`unavailable.${reason}`)}
        {next && ` ${next}`}
      </p>
      {bookable && (
        <p>
          {t('unavailable.book')}{' '}
          <Link to={pagePath('booking', { tenant: tenantSlug, department: departmentSlug })}>
            {t('unavailable.bookLink')}
          </Link>
        </p>
      )}
      <p>{t('unavailable.contact')}</p>
      <ContactDetails contact={contact} />
    </section>
  );
}
