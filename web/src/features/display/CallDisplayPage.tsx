import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../ui/PageHeading';

/** Built out by the call display work of issue 16. */
export function CallDisplayPage() {
  const { t } = useTranslation('display');
  return <PageHeading title={t('title')} />;
}
