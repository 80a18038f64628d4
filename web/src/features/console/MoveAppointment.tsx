import type { ConsoleSnapshot, StaffAppointment } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { SlotPicker } from '../appointments';
import { appointmentActions } from './api';

interface MoveAppointmentProps {
  appointment: StaffAppointment;
  department: ConsoleSnapshot['department'];
  onClose: () => void;
  onMoved: (startsAt: string) => void;
}

/** A clerk moves an appointment to another free slot (the citizen gets an e-mail). */
export function MoveAppointment({ appointment, department, onClose, onMoved }: MoveAppointmentProps) {
  const { t } = useTranslation('console');
  const say = useSay();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Message | null>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className="appointments-panel__section" aria-labelledby={`move-${appointment.id}`} data-testid="move">
      <h3 id={`move-${appointment.id}`} ref={headingRef} tabIndex={-1}>
        {t('appointments.moveHeading', { name: appointment.name })}
      </h3>
      {error && (
        <p role="alert" className="notice notice--warning">
          {say(error)}
        </p>
      )}
      <SlotPicker
        tenantSlug={department.tenantSlug}
        departmentSlug={department.slug}
        timeZone={department.timeZone}
        services={appointment.services.map((service) => service.slug)}
        persons={appointment.persons}
        chosen={appointment.startsAt}
        headingLevel={4}
        busy={busy}
        onChoose={(slot) => {
          setBusy(true);
          setError(null);
          appointmentActions.move(department.id, appointment.id, slot.startsAt).then(
            () => {
              onMoved(slot.startsAt);
            },
            (caught: unknown) => {
              setBusy(false);
              setError(problemMessage(toApiError(caught)));
            },
          );
        }}
      />
      <p>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('appointments.close')}
        </button>
      </p>
    </section>
  );
}
