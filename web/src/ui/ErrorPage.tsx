import { useTranslation } from 'react-i18next';
import type { ApiError } from '../lib/api';
import { PageHeading } from './PageHeading';
import { RetryButton } from './RetryButton';

interface ErrorPageProps {
  error: ApiError;
  retry: () => void;
}

/** When the API fails (5xx, network): says so in the visitor's language and offers a retry. */
export function ErrorPage({ error, retry }: ErrorPageProps) {
  const { t } = useTranslation('errors');
  return (
    <div className="error-page" data-testid="error-page">
      <PageHeading title={t('failure.title')}>{t('failure.heading')}</PageHeading>
      <p className="lead">{t(`codes.${error.code}`)}</p>
      {error.requestId && <p className="muted">{t('failure.reference', { requestId: error.requestId })}</p>}
      <RetryButton onClick={retry}>{t('failure.retry')}</RetryButton>
    </div>
  );
}
