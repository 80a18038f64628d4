import { pagePath, type CitizenAppointment } from '@amtsraum/shared';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from '../../lib/router';
import { DocumentList } from '../../ui/DocumentList';
import { formatClock, formatLongDate } from '../../ui/format';
import { AppointmentFacts } from './AppointmentFacts';
import { OnsiteInfo } from './OnsiteInfo';

interface ConfirmationProps {
  appointment: CitizenAppointment;
  onAnother: () => void;
}

/**
 * Step 4: what was booked, what to bring, where the e-mail went and how joining works. Its
 * heading ("Ihr Termin ist gebucht") is the page's h1 (BookingPage): the page said "Videotermin
 * buchen" above it, and only the tab's title told that the booking was done.
 */
export function Confirmation({ appointment, onAnother }: ConfirmationProps) {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const opens = new Date(appointment.joinOpensAt);
  useEffect(() => {
    // The booking went through: the page's heading says so, and is what to read next.
    document.querySelector<HTMLElement>('#main h1')?.focus();
  }, []);
  const minutesBefore = Math.round((new Date(appointment.startsAt).getTime() - opens.getTime()) / 60_000);

  return (
    <div data-testid="booking-confirmation">
      <div className="panel panel--success">
        <p className="lead">{t('confirmation.lead')}</p>
        <AppointmentFacts appointment={appointment} />
      </div>

      {appointment.email && (
        <p data-testid="confirmation-email">{t('confirmation.email', { email: appointment.email })}</p>
      )}

      {appointment.channel === 'onsite' ? (
        <OnsiteInfo appointment={appointment} headingLevel={2} />
      ) : (
        <section aria-labelledby="confirmation-join" className="panel">
          <h2 id="confirmation-join" className="panel__title">
            {t('confirmation.joinHeading')}
          </h2>
          <ol className="steps-list">
            <li>{t('confirmation.join1')}</li>
            <li>
              {t('confirmation.join2', {
                count: minutesBefore,
                date: formatLongDate(opens, locale, appointment.timeZone),
                time: formatClock(opens, locale, appointment.timeZone),
              })}
            </li>
            <li>{t('confirmation.join3')}</li>
          </ol>
        </section>
      )}

      <section aria-labelledby="confirmation-documents" className="booking-section">
        <h2 id="confirmation-documents">{t('confirmation.documentsHeading')}</h2>
        {appointment.documents.length === 0 ? (
          <p>{t('details.noDocuments')}</p>
        ) : (
          <DocumentList documents={appointment.documents} className="documents" testId="confirmation-documents" />
        )}
      </section>

      <p>{t('confirmation.manage')}</p>
      <div className="button-row">
        <Link
          className="button button--secondary"
          to={pagePath('department', { tenant: appointment.tenantSlug, department: appointment.departmentSlug })}
        >
          {t('confirmation.backToOffice')}
        </Link>
        <button type="button" className="button button--secondary" onClick={onAnother}>
          {t('confirmation.another')}
        </button>
      </div>
    </div>
  );
}
