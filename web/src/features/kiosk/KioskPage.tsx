import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';

/** Built out by the kiosk work of issue 16. */
export function KioskPage() {
  const { t } = useTranslation('kiosk');
  return <PageHeading title={t('title')} />;
}
