import type { ConsoleSnapshot, StaffAppointment } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BookingFlow, useBookingInfo, type BookingDraft, type BookingStep } from '../appointments';
import { appointmentActions } from './api';

interface CallerBookingProps {
  department: ConsoleSnapshot['department'];
  onClose: () => void;
  onBooked: (draft: BookingDraft, appointment: StaffAppointment) => void;
}

/** A clerk books an appointment for someone who called: the citizen's booking steps, for staff. */
export function CallerBooking({ department, onClose, onBooked }: CallerBookingProps) {
  const { t } = useTranslation('console');
  const { t: tErrors } = useTranslation('errors');
  const info = useBookingInfo(department.tenantSlug, department.slug);
  const [step, setStep] = useState<BookingStep>('services');
  const sectionRef = useRef<HTMLElement>(null);

  useEffect(() => {
    sectionRef.current?.querySelector<HTMLElement>('h3')?.focus();
  }, [info.status]);

  return (
    <section
      ref={sectionRef}
      className="appointments-panel__section"
      aria-label={t('appointments.bookHeading')}
      data-testid="caller-booking"
    >
      {info.status === 'loading' && <p role="status">{t('appointments.loading')}</p>}
      {info.status === 'error' && (
        <p role="alert" className="notice notice--warning">
          {tErrors(`codes.${info.error.code}`)}
        </p>
      )}
      {info.status === 'success' &&
        (info.data.services.length === 0 ? (
          <p>{t('appointments.noServices')}</p>
        ) : (
          <BookingFlow
            info={info.data}
            mode="staff"
            headingLevel={3}
            step={step}
            onStep={setStep}
            onSubmit={async (draft) => {
              const booked = await appointmentActions.book(department.id, draft);
              onBooked(draft, booked.appointment);
            }}
          />
        ))}
      <p>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('appointments.close')}
        </button>
      </p>
    </section>
  );
}
