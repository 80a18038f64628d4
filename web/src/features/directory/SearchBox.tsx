import { pagePath, SEARCH_QUERY_MAX_LENGTH, SearchResponseSchema, type SearchResult } from '@amtsraum/shared';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { getJson, toApiError } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { problemMessage, useSay, type Message } from '../../lib/message';
import { Link } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { DoorStatus } from './DoorStatus';

/**
 * "Which office handles my concern?" (issue 15, item 8), on the municipality's page (`tenant`)
 * and on the installation's home page (all municipalities). Results appear below the box and
 * their count is announced, so a screen-reader user learns the outcome without hunting for it.
 */
export function SearchBox({ tenant }: { tenant?: string }) {
  const { t } = useTranslation('legal');
  const id = useId();
  const say = useSay();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [failure, setFailure] = useState<Message | null>(null);
  const [searching, setSearching] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const q = query.trim();
    if (q.length < 2) {
      setResults(null);
      setFailure({ say: (translate) => translate('legal:search.tooShort') });
      return;
    }
    setSearching(true);
    try {
      const params = new URLSearchParams({ q, ...(tenant ? { tenant } : {}) });
      const answer = await getJson(`/api/search?${params.toString()}`, SearchResponseSchema, {
        language: currentLocale(),
      });
      setFailure(null);
      setResults(answer.results);
    } catch (error) {
      setResults(null);
      setFailure(problemMessage(toApiError(error)));
    } finally {
      setSearching(false);
    }
  };

  const status = failure
    ? say(failure)
    : results === null
      ? ''
      : results.length === 0
        ? t('search.none', { query: query.trim() })
        : t('search.count', { count: results.length });

  return (
    <div className="search-box" data-testid="office-search">
      {/* No heading of its own: the page's outline stays the list of offices. */}
      <form role="search" aria-label={t('search.heading')} onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${id}-q`} className="search-box__label">
          {t('search.label')}
        </label>
        <p id={`${id}-hint`} className="field__hint">
          {t('search.hint')}
        </p>
        <div className="search-box__row">
          <input
            id={`${id}-q`}
            type="search"
            aria-describedby={`${id}-hint`}
            maxLength={SEARCH_QUERY_MAX_LENGTH}
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
            }}
          />
          <button type="submit" className="button button--primary" aria-disabled={searching || undefined}>
            {t('search.submit')}
          </button>
        </div>
      </form>
      <p role="status" aria-live="polite" className={status ? 'search-box__status' : 'visually-hidden'}>
        {status}
      </p>
      {results && results.length > 0 && (
        <ul className="card-list search-results" data-testid="search-results">
          {results.map((result) => (
            <ResultCard key={`${result.tenant.slug}/${result.department.slug}`} result={result} showTenant={!tenant} />
          ))}
        </ul>
      )}
    </div>
  );
}

function ResultCard({ result, showTenant }: { result: SearchResult; showTenant: boolean }) {
  const { t } = useTranslation('legal');
  const localize = useLocalize();
  const { tenant, department, services } = result;
  const params = { tenant: tenant.slug, department: department.slug };
  const name = localize(department.name);
  // A department found by its name offers what it offers; one found by services, what they offer.
  const knockable = services.length === 0 || services.some((service) => service.knockable);
  const bookable = services.some((service) => service.bookable);
  const open = department.door.state === 'open' && !department.door.unattended;
  return (
    <li className="card" data-testid={`search-result-${department.slug}`}>
      <h3 className="card__title">
        <Link to={pagePath('department', params)} lang={name.lang}>
          {name.text}
        </Link>
        {showTenant && <span className="search-results__tenant"> – {tenant.name}</span>}
      </h3>
      {services.length > 0 && (
        <ul>
          {services.map((service) => {
            const serviceName = localize(service.name);
            return (
              <li key={service.slug} lang={serviceName.lang}>
                {serviceName.text}
                {service.onlineUrl && (
                  <>
                    {' – '}
                    <a href={service.onlineUrl} rel="noopener noreferrer" target="_blank">
                      {t('search.online')}
                      <span className="visually-hidden"> ({t('search.newWindow')})</span>
                    </a>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <DoorStatus door={department.door} timeZone={tenant.timeZone} />
      <ul className="ways-in" aria-label={t('search.waysIn')}>
        {knockable && open && (
          <li>
            <Link to={pagePath('department', params)}>{t('search.knock')}</Link>
          </li>
        )}
        {bookable && (
          <li>
            <Link to={pagePath('booking', params)}>{t('search.book')}</Link>
          </li>
        )}
        {department.phone && (
          <li>
            <a href={`tel:${department.phone.replace(/[^\d+]/g, '')}`}>
              {t('search.phone', { phone: department.phone })}
            </a>
          </li>
        )}
      </ul>
    </li>
  );
}
