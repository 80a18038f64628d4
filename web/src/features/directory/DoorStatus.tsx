import type { DoorStatus as Door } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { formatClock, formatDay } from '../../ui/format';

interface DoorStatusProps {
  door: Door;
  timeZone: string;
}

/**
 * The door as words: state, and until when it is open or when it opens next. A door not closed
 * with nobody on duty says so rather than "open" (issue 13).
 */
export function DoorStatus({ door, timeZone }: DoorStatusProps) {
  const { t, i18n } = useTranslation('directory');
  const locale = i18n.resolvedLanguage ?? i18n.language;

  let detail: string | null = null;
  if (door.state !== 'closed' && door.closesAt) {
    detail = t('door.openUntil', { time: formatClock(new Date(door.closesAt), locale, timeZone) });
  } else if (door.state === 'closed') {
    const next = door.nextOpening ? new Date(door.nextOpening) : null;
    detail = next
      ? t('door.opensAt', { date: formatDay(next, locale, timeZone), time: formatClock(next, locale, timeZone) })
      : t('door.noUpcoming');
  }

  const unattended = door.state !== 'closed' && door.unattended;
  return (
    <p
      className={`door door--${unattended ? 'unattended' : door.state}`}
      data-testid="door-status"
      data-state={door.state}
      data-unattended={unattended}
    >
      <span className="door__state">
        <span className="door__icon" aria-hidden="true" />
        {unattended ? t('door.unattended') : t(`door.${door.state}`)}
      </span>
      {detail && (
        <>
          <span className="visually-hidden">. </span>
          <span className="door__detail">{detail}</span>
        </>
      )}
    </p>
  );
}
