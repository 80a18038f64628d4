import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../lib/usePageTitle';

/** Stands in for a page while its data loads; announced politely, shown after a short delay. */
export function LoadingState() {
  const { t } = useTranslation();
  usePageTitle(t('loading'), { placeholder: true });
  return (
    <div className="loading" role="status" aria-live="polite" aria-busy="true" data-testid="loading">
      <span className="loading__spinner" aria-hidden="true" />
      <span>{t('loading')}</span>
    </div>
  );
}
