import type { DoorLive } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';

/** Free or busy, people waiting and the estimated wait, for an open door somebody attends. */
export function LiveDoorSummary({ door }: { door: DoorLive }) {
  const { t } = useTranslation('directory');
  if (door.state !== 'closed' && door.unattended) {
    // No wait to estimate while nobody is there (issue 13: it said "Wartezeit ca. 1 Minute").
    return (
      <ul className="door-live" data-testid="door-live">
        <li data-testid="door-unattended">{t('liveDoor.unattended')}</li>
        {door.waiting > 0 && <li data-testid="door-waiting">{t('liveDoor.waiting', { count: door.waiting })}</li>}
      </ul>
    );
  }
  if (door.state !== 'open') {
    return door.waiting > 0 ? (
      <p className="door-live" data-testid="door-waiting">
        {t('liveDoor.waiting', { count: door.waiting })}
      </p>
    ) : null;
  }
  return (
    <ul className="door-live" data-testid="door-live">
      <li data-testid="door-busy" data-busy={door.busy}>
        {door.busy ? t('liveDoor.busy') : t('liveDoor.free')}
      </li>
      <li data-testid="door-waiting">
        {door.waiting > 0 ? t('liveDoor.waiting', { count: door.waiting }) : t('liveDoor.nobodyWaiting')}
      </li>
      <li data-testid="door-estimate">
        {door.estimatedWaitMinutes > 0
          ? t('liveDoor.estimate', { count: door.estimatedWaitMinutes })
          : t('liveDoor.estimateNone')}
      </li>
    </ul>
  );
}
