import type { StaffAppointment } from '@amtsraum/shared';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLanguageName } from '../../ui/LanguageOptions';
import { ServiceNames } from '../appointments';

interface AppointmentRowProps {
  appointment: StaffAppointment;
  /** The state in words, with the badge's class. */
  label: { text: string; className: string };
  /** Whether the no-show grace period is over. */
  noShowOpen: boolean;
  /** The no-show question is open for this row (one row at a time). */
  confirmingNoShow: boolean;
  /** "08:30" in the municipality's zone. */
  clock: (iso: string) => string;
  /** Prefix for the ids the row's hints need. */
  idPrefix: string;
  /** Extra buttons (e.g. inviting an interpreter). */
  extra: ReactNode;
  onMove: () => void;
  onCancel: () => void;
  onAskNoShow: () => void;
  onConfirmNoShow: () => void;
  onAbortNoShow: () => void;
}

/** One appointment in the clerk's table: who, what, when, its state, and what can be done. */
export function AppointmentRow({
  appointment,
  label,
  noShowOpen,
  confirmingNoShow,
  clock,
  idPrefix,
  extra,
  onMove,
  onCancel,
  onAskNoShow,
  onConfirmNoShow,
  onAbortNoShow,
}: AppointmentRowProps) {
  const { t } = useTranslation('console');
  const languageName = useLanguageName();
  const open = appointment.state === 'booked';
  const noShowHint = `${idPrefix}-${appointment.id}-noshow`;
  // The question's buttons vanish once answered: the focus goes back to the button that asked it
  // (after a "yes" the panel moves it on once the appointment is marked).
  const askNoShowRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(confirmingNoShow);
  useEffect(() => {
    if (wasConfirming.current && !confirmingNoShow) askNoShowRef.current?.focus();
    wasConfirming.current = confirmingNoShow;
  }, [confirmingNoShow]);
  return (
    <tr
      data-testid={`appointment-${appointment.id}`}
      data-state={appointment.state}
      className={appointment.state === 'cancelled' ? 'is-cancelled' : undefined}
    >
      <td>
        {clock(appointment.startsAt)}–{clock(appointment.endsAt)}
      </td>
      <th scope="row">
        <bdi>{appointment.name}</bdi>
        {(appointment.phone ?? appointment.email) && (
          <span className="appointments-table__contact">
            {[appointment.phone, appointment.email].filter(Boolean).join(' · ')}
          </span>
        )}
        <span className="appointments-table__contact">
          {t('appointments.withClerk', { clerk: appointment.clerk.name })}
        </span>
        {appointment.channel === 'onsite' && (
          <span className="appointments-table__contact" data-testid="appointment-onsite">
            {t('onsite.appointmentOnsite')}
          </span>
        )}
      </th>
      <td>
        <ServiceNames services={appointment.services} />
      </td>
      <td>{appointment.persons}</td>
      <td>
        <span lang={appointment.language}>{languageName(appointment.language)}</span>
        {appointment.interpreterLanguage && (
          <span className="appointments-table__contact">
            {t('appointments.interpreter', { language: languageName(appointment.interpreterLanguage) })}
          </span>
        )}
      </td>
      <td className="appointments-table__concern">
        <bdi>{appointment.concern ?? '–'}</bdi>
      </td>
      <td>
        <span className={label.className} data-testid="appointment-state">
          {label.text}
        </span>
      </td>
      <td>
        <div className="button-row">
          {open && (
            <>
              <button
                type="button"
                className="button button--small"
                aria-label={t('appointments.moveFor', { name: appointment.name })}
                onClick={onMove}
              >
                {t('appointments.move')}
              </button>
              <button
                type="button"
                className="button button--small"
                aria-label={t('appointments.cancelFor', { name: appointment.name })}
                onClick={onCancel}
              >
                {t('appointments.cancel')}
              </button>
              {confirmingNoShow ? (
                <span role="group" aria-label={t('appointments.noShowConfirm', { name: appointment.name })}>
                  <span className="appointments-table__confirm">
                    {t('appointments.noShowConfirm', { name: appointment.name })}
                  </span>{' '}
                  <button
                    type="button"
                    className="button button--small button--danger"
                    autoFocus
                    onClick={onConfirmNoShow}
                  >
                    {t('appointments.noShowYes')}
                  </button>{' '}
                  <button type="button" className="button button--small" onClick={onAbortNoShow}>
                    {t('appointments.noShowNo')}
                  </button>
                </span>
              ) : (
                <button
                  ref={askNoShowRef}
                  type="button"
                  className="button button--small"
                  aria-label={t('appointments.noShowFor', { name: appointment.name })}
                  aria-disabled={!noShowOpen || undefined}
                  aria-describedby={noShowOpen ? undefined : noShowHint}
                  onClick={() => {
                    if (noShowOpen) onAskNoShow();
                  }}
                >
                  {t('appointments.noShow')}
                </button>
              )}
            </>
          )}
          {extra}
        </div>
        {open && !noShowOpen && (
          <p id={noShowHint} className="field__hint">
            {t('appointments.noShowFrom', { time: clock(appointment.noShowFrom) })}
          </p>
        )}
      </td>
    </tr>
  );
}
