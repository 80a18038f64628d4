import type { DoorLive } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';

/** Free or busy, people waiting and the estimated wait, for an open door. */
export function LiveDoorSummary({ door }: { door: DoorLive }) {
  const { t } = useTranslation('knock');
  if (door.state !== 'open') {
    return door.waiting > 0 ? (
      <p className="door-live" data-testid="door-waiting">
        {t('door.waiting', { count: door.waiting })}
      </p>
    ) : null;
  }
  return (
    <ul className="door-live" data-testid="door-live">
      <li data-testid="door-busy" data-busy={door.busy}>
        {door.busy ? t('door.busy') : t('door.free')}
      </li>
      <li data-testid="door-waiting">
        {door.waiting > 0 ? t('door.waiting', { count: door.waiting }) : t('door.nobodyWaiting')}
      </li>
      <li data-testid="door-estimate">
        {door.estimatedWaitMinutes > 0
          ? t('door.estimate', { count: door.estimatedWaitMinutes })
          : t('door.estimateNone')}
      </li>
    </ul>
  );
}
