import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InvitePanel } from './InvitePanel';
import { QuickInterpreterInvite } from './QuickInterpreterInvite';

/** For a booked appointment: the one-click interpreter link, and all invite choices on demand. */
export function AppointmentInvites({
  departmentId,
  appointmentId,
  interpreterLanguage,
  timeZone,
  name,
  whose,
}: {
  departmentId: string;
  appointmentId: string;
  interpreterLanguage: string | null;
  timeZone: string;
  /** The button's name: which appointment it is (its text, with the time and the person), to tell the rows apart. */
  name: string;
  /** Which appointment, for the interpreter button's name ("Termin 09:30 Uhr, Olga Spät"). */
  whose: string;
}) {
  const { t } = useTranslation('invites');
  const id = useId();
  const [open, setOpen] = useState(false);
  const target = { appointmentId };
  return (
    <div className="appointment-invites">
      {interpreterLanguage && (
        <QuickInterpreterInvite
          departmentId={departmentId}
          target={target}
          language={interpreterLanguage}
          timeZone={timeZone}
          whose={whose}
        />
      )}
      <button
        type="button"
        className="button"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        aria-label={name}
        onClick={() => setOpen((value) => !value)}
      >
        {t('panel.manage')}
      </button>
      <div id={`${id}-panel`}>
        {open && (
          <InvitePanel
            departmentId={departmentId}
            target={target}
            interpreterLanguage={interpreterLanguage}
            timeZone={timeZone}
            headingLevel={3}
          />
        )}
      </div>
    </div>
  );
}
