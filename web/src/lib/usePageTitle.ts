import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { pageTitles } from './page-title';

const claimTitle = pageTitles((title) => {
  document.title = title;
});

/**
 * Sets the document title for the current page; follows language switches. A `placeholder` title
 * only stands in while data loads: a page title mounted beside it wins, whatever the order.
 */
export function usePageTitle(page: string, { placeholder = false } = {}): void {
  const { t } = useTranslation();
  const title = t('pageTitle', { page });
  useEffect(() => claimTitle(title, placeholder), [title, placeholder]);
}
