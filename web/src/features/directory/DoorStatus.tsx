import type { DoorStatus as Door } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { formatClock, formatDay } from '../../ui/format';

interface DoorStatusProps {
  door: Door;
  timeZone: string;
}

/** The door as words: state, and until when it is open or when it opens next. */
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

  return (
    <p className={`door door--${door.state}`} data-testid="door-status" data-state={door.state}>
      <span className="door__state">
        <span className="door__icon" aria-hidden="true" />
        {t(`door.${door.state}`)}
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
