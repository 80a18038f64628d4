import { formatBookingCode, type CitizenAppointment } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useLocalize } from '../../lib/useLocalize';

/**
 * Where to go and how to check in, for an on-site appointment (issue 16): the department's place,
 * the booking code to type at the kiosk, and what to bring. On the confirmation and the manage page.
 */
export function OnsiteInfo({
  appointment,
  headingLevel,
  arrived = false,
}: {
  appointment: CitizenAppointment;
  headingLevel: 2 | 3;
  /** Checked in already: what to bring and where to check in no longer apply. */
  arrived?: boolean;
}) {
  const { t } = useTranslation('appointments');
  const localize = useLocalize();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const location = appointment.onsiteLocation ? localize(appointment.onsiteLocation) : null;
  return (
    <section aria-labelledby="onsite-heading" className="panel" data-testid="onsite-info">
      <Heading id="onsite-heading" className="panel__title">
        {t('onsite.heading')}
      </Heading>
      <dl className="facts">
        {location && (
          <div>
            <dt>{t('onsite.where')}</dt>
            <dd lang={location.lang} className="onsite-location" data-testid="onsite-location">
              {location.text}
            </dd>
          </div>
        )}
        {appointment.bookingCode && (
          <div>
            <dt>{t('onsite.code')}</dt>
            <dd className="booking-code" data-testid="booking-code">
              {formatBookingCode(appointment.bookingCode)}
            </dd>
          </div>
        )}
      </dl>
      {arrived ? (
        <p>{t('onsite.waitForCall')}</p>
      ) : (
        <>
          <p>{t('onsite.bring')}</p>
          <p>{t('onsite.checkIn')}</p>
        </>
      )}
    </section>
  );
}
