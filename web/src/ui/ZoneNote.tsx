import { useTranslation } from 'react-i18next';
import { isForeignZone } from './format';

/** Says which clock the times follow, when the visitor's own clock differs. */
export function ZoneNote({ timeZone }: { timeZone: string }) {
  const { t } = useTranslation();
  if (!isForeignZone(timeZone)) return null;
  return <p className="muted">{t('zoneNote', { timeZone })}</p>;
}
