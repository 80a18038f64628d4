import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';

/** Built out by the device pairing work of issue 16. */
export function AdminDevicesPage() {
  const { t } = useTranslation('devices');
  return <PageHeading title={t('title')} />;
}
