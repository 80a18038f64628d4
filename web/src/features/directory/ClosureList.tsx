import type { Closure } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useLocalize } from '../../lib/useLocalize';
import { formatCivilDate } from '../../ui/format';

/** The soonest closures stay in view; a year of public holidays would bury the rest of the page. */
const SHOWN_FIRST = 4;

export function ClosureList({ closures }: { closures: Closure[] }) {
  const { t } = useTranslation('directory');
  if (closures.length === 0) return <p>{t('department.noClosures')}</p>;

  const later = closures.slice(SHOWN_FIRST);
  return (
    <div data-testid="closures">
      <ClosureItems closures={closures.slice(0, SHOWN_FIRST)} />
      {later.length > 0 && (
        <details className="closures-more">
          <summary>{t('department.moreClosures', { count: later.length })}</summary>
          <ClosureItems closures={later} />
        </details>
      )}
    </div>
  );
}

function ClosureItems({ closures }: { closures: Closure[] }) {
  const { t, i18n } = useTranslation('directory');
  const localize = useLocalize();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (
    <ul className="closure-list">
      {closures.map((closure) => {
        const reason = closure.reason ? localize(closure.reason) : null;
        return (
          <li key={`${closure.from}/${closure.to}`}>
            <span className="closure-list__dates">
              {closure.from === closure.to
                ? formatCivilDate(closure.from, locale)
                : t('department.dateRange', {
                    from: formatCivilDate(closure.from, locale),
                    to: formatCivilDate(closure.to, locale),
                  })}
            </span>
            {reason && (
              <span className="closure-list__reason" lang={reason.lang}>
                {reason.text}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
