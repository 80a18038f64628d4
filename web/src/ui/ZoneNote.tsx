import { useTranslation } from 'react-i18next';
import { isForeignZone } from './format';

/** Says which clock the times follow, when the visitor's own clock differs. */
export function ZoneNote({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation('directory');
  if (!isForeignZone(timeZone)) return null;
  return <p className="muted">{t('tenant.zoneNote', { timeZone })}</p>;
}
