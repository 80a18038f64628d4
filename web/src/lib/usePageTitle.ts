import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** Sets the document title for the current page; follows language switches. */
export function usePageTitle(page: string): void {
  const { t } = useTranslation();
  const title = t('pageTitle', { page });
  useEffect(() => {
    document.title = title;
  }, [title]);
}
