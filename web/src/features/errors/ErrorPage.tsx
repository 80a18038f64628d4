import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../app/api';
import { PageHeading } from '../../app/PageHeading';
import { usePageFocus } from '../../app/page-focus';

interface ErrorPageProps {
  error: ApiError;
  retry: () => void;
}

/** When the API fails (5xx, network): says so in the visitor's language and offers a retry. */
export function ErrorPage({ error, retry }: ErrorPageProps) {
  const { t } = useTranslation('errors');
  const { requestFocus } = usePageFocus();
  return (
    <div className="error-page" data-testid="error-page">
      <PageHeading title={t('failure.title')}>{t('failure.heading')}</PageHeading>
      <p className="lead">{t(`codes.${error.code}`)}</p>
      {error.requestId && <p className="muted">{t('failure.reference', { requestId: error.requestId })}</p>}
      <button
        type="button"
        className="button"
        onClick={() => {
          // This button disappears with the page: let the next page's heading take focus.
          requestFocus();
          retry();
        }}
      >
        {t('failure.retry')}
      </button>
    </div>
  );
}
