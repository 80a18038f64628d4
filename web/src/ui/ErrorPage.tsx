import { useLayoutEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../lib/api';
import { limitWait } from '../lib/message';
import { usePageFocus } from '../lib/page-focus';
import { PageHeading } from './PageHeading';
import { RetryButton } from './RetryButton';

interface ErrorPageProps {
  /** What the API answered; none when the page's own code could not be loaded (app/LoadBoundary.tsx). */
  error?: ApiError;
  retry: () => void;
}

/**
 * When the API fails (5xx, network, too many requests): says so in the visitor's language, with how
 * long to wait when a limit asks for more than a moment, and offers a retry. Without `error`, the
 * page could not be loaded whole (a chunk's download cut off): it says so and offers a reload, and
 * its heading takes focus, as the page under the person's eyes was replaced.
 */
export function ErrorPage({ error, retry }: ErrorPageProps) {
  const { t } = useTranslation('errors');
  const { requestFocus } = usePageFocus();
  useLayoutEffect(() => {
    if (!error) requestFocus();
  }, [error, requestFocus]);
  const words = error ? 'failure' : 'loadFailed';
  const wait = error && limitWait(error);
  return (
    <div className="error-page" data-testid="error-page">
      <PageHeading title={t(`${words}.title`)}>{t(`${words}.heading`)}</PageHeading>
      <p className="lead">
        {!error
          ? t('loadFailed.text')
          : wait
            ? t(`rateLimitedFor.${wait.unit}`, { count: wait.count })
            : t(`codes.${error.code}`)}
      </p>
      {error?.requestId && <p className="muted">{t('failure.reference', { requestId: error.requestId })}</p>}
      <RetryButton onClick={retry}>{t(`${words}.retry`)}</RetryButton>
    </div>
  );
}
