import { useTranslation } from 'react-i18next';
import { toApiError, type ClientErrorCode } from '../../lib/api';

/** A failed request as the text for its code (`errors:codes`), in the interface language. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation('errors');
  return (error) => t(`codes.${typeof error === 'string' ? (error as ClientErrorCode) : toApiError(error).code}`);
}
