import { pagePath } from '@amtsraum/shared';
import { Link } from '../lib/router';
import { useTranslation } from 'react-i18next';

export interface Crumb {
  label: string;
  /** Omitted for the current page, which is always the last crumb. */
  to?: string;
}

export function Breadcrumbs({ items }: { items: Crumb[] }) {
  const { t } = useTranslation();
  const all: Crumb[] = [{ label: t('breadcrumb.home'), to: pagePath('home') }, ...items];
  return (
    <nav aria-label={t('breadcrumb.label')} className="breadcrumbs">
      <ol>
        {all.map((crumb, index) => (
          <li key={index}>
            {crumb.to && index < all.length - 1 ? (
              <Link to={crumb.to}>{crumb.label}</Link>
            ) : (
              <span aria-current="page">{crumb.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
