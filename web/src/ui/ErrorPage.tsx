import { useTranslation } from 'react-i18next';
import type { ApiError } from '../lib/api';
import { limitWait } from '../lib/message';
import { PageHeading } from './PageHeading';
import { RetryButton } from './RetryButton';

interface ErrorPageProps {
  error: ApiError;
  retry: () => void;
}

/**
 * When the API fails (5xx, network, too many requests): says so in the visitor's language, with how
 * long to wait when a limit asks for more than a moment, and offers a retry.
 */
export function ErrorPage({ error, retry }: ErrorPageProps) {
  const { t } = useTranslation('errors');
  const wait = limitWait(error);
  return (
    <div className="error-page" data-testid="error-page">
      <PageHeading title={t('failure.title')}>{t('failure.heading')}</PageHeading>
      <p className="lead">
        {wait ? t(`rateLimitedFor.${wait.unit}`, { count: wait.count }) : t(`codes.${error.code}`)}
      </p>
      {error.requestId && <p className="muted">{t('failure.reference', { requestId: error.requestId })}</p>}
      <RetryButton onClick={retry}>{t('failure.retry')}</RetryButton>
    </div>
  );
}
