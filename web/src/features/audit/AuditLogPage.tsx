import {
  AUDIT_DETAIL_WORDS,
  auditActionName,
  pagePath,
  type AuditPage,
  type AuditRow,
  type Locale,
  type StaffMe,
  intlLocale,
} from '@amtsraum/shared';
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message } from '../../lib/message';
import { Link, useLocation, useParams } from '../../lib/router';
import { signInPage, signInState } from '../../lib/session-ended';
import { useLocalize } from '../../lib/useLocalize';
import { ErrorPage } from '../../ui/ErrorPage';
import { Field, useFieldErrors } from '../../ui/forms';
import { LoadingState } from '../../ui/LoadingState';
import { NoRight, ToSignIn } from '../../ui/LostRight';
import { useLanguageName } from '../../ui/LanguageOptions';
import { PageHeading } from '../../ui/PageHeading';
import {
  auditBase,
  auditQuery,
  EMPTY_FILTER,
  fetchAuditPage,
  saveAuditCsv,
  useAuditPage,
  useStaffMe,
  type AuditFilter,
} from './api';
import { NotFoundOr } from '../directory';
import { auditDetails, type DetailContext } from './audit-details';
import './audit.css';

/** The action groups the filter offers (the API matches `visit.` and the older `visit_` alike). */
const ACTION_GROUPS = [
  'visit.',
  'door.',
  'appointment.',
  'invite.',
  'department.',
  'service.',
  'staff.',
  'tenant.',
] as const;

const FIELDS = ['from', 'to', 'action', 'actor', 'department', 'visit'] as const;
type FilterField = (typeof FIELDS)[number];

/**
 * `/admin/:tenant/audit`: who did what and when, for a municipality's admins (the whole
 * municipality) and a department's admins (their departments). Never the content of a
 * conversation: the API sends only listed data keys.
 */
export function AuditLogPage() {
  const { t } = useTranslation('audit');
  const { tenant = '' } = useParams();
  const location = useLocation();
  const me = useStaffMe();
  // No heading while loading: the log's own heading, mounted in another place, would then find the
  // focus already taken by this one, which goes, and the focus fell to <body>.
  if (me.status === 'loading') return <LoadingState />;
  if (me.status === 'error') {
    if (me.error.code === 'unauthorized') {
      return (
        <>
          <PageHeading title={t('title')} />
          <p className="panel panel--notice">
            {t('signIn')}{' '}
            <Link to={signInPage(location.pathname)} state={signInState(location)}>
              {t('signInLink')}
            </Link>
          </p>
        </>
      );
    }
    return <ErrorPage error={me.error} retry={me.reload} />;
  }
  const staff = me.data.staff;
  const wholeTenant = staff.isTenantAdmin && staff.tenantSlug === tenant;
  const ownDepartments = staff.departments.filter((d) => d.role === 'admin' && d.tenantSlug === tenant);
  if (!wholeTenant && ownDepartments.length === 0) {
    // Also at a mistyped municipality's address: the directory tells it apart.
    return (
      <NotFoundOr>
        <PageHeading title={t('title')} />
        <p className="panel panel--notice" data-testid="audit-forbidden">
          {t('forbidden')}
        </p>
      </NotFoundOr>
    );
  }
  return <AuditLog tenant={tenant} wholeTenant={wholeTenant} ownDepartments={ownDepartments} />;
}

interface AuditLogProps {
  tenant: string;
  wholeTenant: boolean;
  ownDepartments: StaffMe['staff']['departments'];
}

function AuditLog({ tenant, wholeTenant, ownDepartments }: AuditLogProps) {
  const { t, i18n } = useTranslation('audit');
  const id = useId();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const fields = useFieldErrors(FIELDS);
  const [draft, setDraft] = useState<AuditFilter>(EMPTY_FILTER);
  const [applied, setApplied] = useState<AuditFilter>(EMPTY_FILTER);
  // A department admin reads one department's log at a time: the department route, by slug.
  const [scope, setScope] = useState<string | null>(wholeTenant ? null : (ownDepartments[0]?.slug ?? null));
  const base = auditBase(tenant, scope);
  const query = auditQuery(applied);
  const path = query ? `${base}?${query}` : base;
  const first = useAuditPage(path);
  const [more, setMore] = useState<{ path: string; pages: AuditPage[]; loading: boolean; error: ApiError | null }>({
    path,
    pages: [],
    loading: false,
    error: null,
  });
  const extra = more.path === path ? more : { path, pages: [], loading: false, error: null };

  const { setErrors, fromServer } = fields;
  const firstError = first.status === 'error' ? first.error : null;
  useEffect(() => {
    if (firstError?.code === 'validation_failed') {
      setErrors(fromServer(firstError, (field) => message((tt) => tt(`audit:invalid.${field}`))));
    } else setErrors({});
  }, [firstError, fromServer, setErrors]);

  const data = first.status === 'success' ? first.data : first.previous;
  const rows = useMemo(() => [...(data?.rows ?? []), ...extra.pages.flatMap((page) => page.rows)], [data, extra.pages]);
  const next = extra.pages.length > 0 ? (extra.pages.at(-1)?.next ?? null) : (data?.next ?? null);

  const set = (field: FilterField) => (value: string) => {
    setDraft((current) => ({ ...current, [field]: value }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied({ ...draft, visit: draft.visit.trim() });
  };
  const reset = () => {
    setDraft(EMPTY_FILTER);
    setApplied(EMPTY_FILTER);
  };
  const loadMore = () => {
    if (!next) return;
    setMore({ ...extra, loading: true, error: null });
    fetchAuditPage(`${base}?${auditQuery(applied, { cursor: next })}`).then(
      (page) => {
        setMore((current) =>
          current.path === path ? { ...current, pages: [...current.pages, page], loading: false } : current,
        );
      },
      (error: unknown) => {
        setMore((current) =>
          current.path === path ? { ...current, loading: false, error: toApiError(error) } : current,
        );
      },
    );
  };

  const csvHref = `${base}.csv?${auditQuery(applied, { lang: locale.startsWith('en') ? 'en' : 'de' })}`;
  const [csvError, setCsvError] = useState<ApiError | null>(null);
  const saveCsv = () => {
    setCsvError(null);
    saveAuditCsv(csvHref).catch((error: unknown) => {
      setCsvError(toApiError(error));
    });
  };
  const departments = data?.departments ?? [];

  return (
    <>
      <PageHeading title={t('title')} />
      <p>
        {wholeTenant ? (
          <Link to={pagePath('adminTenant', { tenant })}>{t('backTenant')}</Link>
        ) : (
          <Link to={pagePath('adminHome')}>{t('backHome')}</Link>
        )}
      </p>
      <p className="lead">{t('intro')}</p>
      <form className="audit-filter" onSubmit={submit} aria-labelledby={`${id}-filter`} noValidate>
        <h2 id={`${id}-filter`}>{t('filter.heading')}</h2>
        {!wholeTenant && ownDepartments.length > 1 && (
          <div className="field">
            <label htmlFor={`${id}-scope`}>{t('filter.scope')}</label>
            <ScopeSelect id={`${id}-scope`} value={scope} departments={ownDepartments} onChange={setScope} />
          </div>
        )}
        <div className="audit-filter__grid">
          <Field fields={fields} field="from" label={t('filter.from')}>
            {(control) => (
              <input {...control} type="date" value={draft.from} onChange={(e) => set('from')(e.target.value)} />
            )}
          </Field>
          <Field fields={fields} field="to" label={t('filter.to')}>
            {(control) => (
              <input {...control} type="date" value={draft.to} onChange={(e) => set('to')(e.target.value)} />
            )}
          </Field>
          <Field fields={fields} field="action" label={t('filter.action')}>
            {(control) => (
              <select {...control} value={draft.action} onChange={(e) => set('action')(e.target.value)}>
                <option value="">{t('filter.any')}</option>
                {ACTION_GROUPS.map((group) => (
                  <option key={group} value={group}>
                    {t(`groups.${group.slice(0, -1) as 'visit'}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field fields={fields} field="actor" label={t('filter.actor')}>
            {(control) => (
              <select {...control} value={draft.actor} onChange={(e) => set('actor')(e.target.value)}>
                <option value="">{t('filter.anyone')}</option>
                {(data?.staff ?? []).map((person) => (
                  <option key={person.id} value={person.id}>
                    {person.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {wholeTenant && (
            <Field fields={fields} field="department" label={t('filter.department')}>
              {(control) => (
                <DepartmentSelect
                  control={control}
                  value={draft.department}
                  departments={departments}
                  onChange={set('department')}
                />
              )}
            </Field>
          )}
          <Field fields={fields} field="visit" label={t('filter.visit')} hint={t('filter.visitHint')}>
            {(control) => (
              <input
                {...control}
                type="text"
                inputMode="text"
                autoComplete="off"
                spellCheck={false}
                value={draft.visit}
                onChange={(e) => set('visit')(e.target.value)}
              />
            )}
          </Field>
        </div>
        <div className="button-row">
          <button type="submit" className="button" data-testid="audit-apply">
            {t('filter.apply')}
          </button>
          <button type="button" className="button button--secondary" onClick={reset}>
            {t('filter.reset')}
          </button>
        </div>
      </form>

      <section aria-labelledby={`${id}-results`}>
        <h2 id={`${id}-results`}>{t('results.heading')}</h2>
        <p className="button-row">
          <a
            className="button button--secondary"
            href={csvHref}
            download
            data-testid="audit-csv"
            onClick={(event) => {
              event.preventDefault();
              saveCsv();
            }}
          >
            {t('results.csv')}
          </a>
        </p>
        {csvError && <AuditProblem error={csvError} retry={saveCsv} />}
        <p role="status" className="muted" data-testid="audit-count">
          {first.status === 'loading' ? t('results.loading') : data ? t('results.count', { count: rows.length }) : ''}
        </p>
        {firstError && <AuditProblem error={firstError} retry={first.reload} />}
        {!firstError && data && rows.length === 0 && <p>{t('results.none')}</p>}
        {!firstError && rows.length > 0 && data && (
          <AuditTable
            rows={rows}
            timeZone={data.timeZone}
            departments={data.departments}
            caption={t('results.caption')}
          />
        )}
        {extra.error && <AuditProblem error={extra.error} retry={loadMore} />}
        {!firstError && next && (
          <p>
            <button
              type="button"
              className="button button--secondary"
              onClick={loadMore}
              aria-disabled={extra.loading || undefined}
              data-testid="audit-more"
            >
              {extra.loading ? t('results.loading') : t('results.more')}
            </button>
          </p>
        )}
        {fields.entries.length > 0 && (
          <p className="visually-hidden" role="alert">
            {fields.entries.map(([, text]) => text).join(' ')}
          </p>
        )}
      </section>
    </>
  );
}

function ScopeSelect({
  id,
  value,
  departments,
  onChange,
}: {
  id: string;
  value: string | null;
  departments: StaffMe['staff']['departments'];
  onChange: (slug: string) => void;
}) {
  const localize = useLocalize();
  return (
    <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
      {departments.map((department) => (
        <option key={department.id} value={department.slug}>
          {localize(department.name).text}
        </option>
      ))}
    </select>
  );
}

function DepartmentSelect({
  control,
  value,
  departments,
  onChange,
}: {
  control: Parameters<Parameters<typeof Field>[0]['children']>[0];
  value: string;
  departments: AuditPage['departments'];
  onChange: (id: string) => void;
}) {
  const { t } = useTranslation('audit');
  const localize = useLocalize();
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('filter.allDepartments')}</option>
      {departments.map((department) => (
        <option key={department.id} value={department.id}>
          {localize(department.name).text}
        </option>
      ))}
    </select>
  );
}

function AuditProblem({ error, retry }: { error: ApiError; retry: () => void }) {
  const { t } = useTranslation('audit');
  const { t: tErrors } = useTranslation('errors');
  if (error.code === 'validation_failed') {
    return <p className="notice notice--warning">{t('invalidFilter')}</p>;
  }
  // The page was open with a session and the right (issue 15): an ended session goes to the
  // sign-in page, which says so; a right taken meanwhile is said plainly, with the way on.
  if (error.code === 'unauthorized') return <ToSignIn ended />;
  if (error.code === 'forbidden') return <NoRight reason="admin" testId="audit-error" />;
  return (
    <div className="notice notice--warning" role="alert" data-testid="audit-error">
      <p>{tErrors(`codes.${error.code}`)}</p>
      {error.code === 'second_factor_required' ? (
        // The signin engineer's step-up dialog replaces this link once merged.
        <p>
          <Link to="/staff/security">{t('secondFactorLink')}</Link>
        </p>
      ) : (
        <button type="button" className="button" onClick={retry}>
          {t('retry')}
        </button>
      )}
    </div>
  );
}

/** The action's label in the interface language; an action not known here shows its code. */
function useActionLabel(): (action: string) => string {
  const { i18n } = useTranslation('audit');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (action) => auditActionName(action, locale);
}

interface AuditTableProps {
  rows: AuditRow[];
  timeZone: string;
  departments: AuditPage['departments'];
  caption: string;
}

function AuditTable({ rows, timeZone, departments, caption }: AuditTableProps) {
  const { t, i18n } = useTranslation('audit');
  const localize = useLocalize();
  const label = useActionLabel();
  const languageName = useLanguageName();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const detailContext: DetailContext = {
    texts: AUDIT_DETAIL_WORDS[locale as Locale] ?? AUDIT_DETAIL_WORDS.de,
    locale,
    timeZone,
    languageName,
    departmentName: (id) => {
      const department = departments.find((d) => d.id === id);
      return department ? localize(department.name).text : null;
    },
  };
  const time = useMemo(
    () => new Intl.DateTimeFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'medium', timeZone }),
    [locale, timeZone],
  );
  const actor = (row: AuditRow) =>
    row.actor.kind === 'staff' ? (row.actor.name ?? t('actor.removed')) : t(`actor.${row.actor.kind}`);
  const columns = {
    time: t('columns.time'),
    actor: t('columns.actor'),
    action: t('columns.action'),
    department: t('columns.department'),
    details: t('columns.details'),
  };
  return (
    <table className="audit-table" data-testid="audit-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{columns.time}</th>
          <th scope="col">{columns.actor}</th>
          <th scope="col">{columns.action}</th>
          <th scope="col">{columns.department}</th>
          <th scope="col">{columns.details}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const department = row.department ? localize(row.department.name) : null;
          const details = auditDetails(row.data, detailContext);
          return (
            <tr key={row.id} data-testid="audit-row" data-action={row.action}>
              <td data-label={columns.time}>
                <time dateTime={row.at}>{time.format(new Date(row.at))}</time>
              </td>
              <td data-label={columns.actor}>{actor(row)}</td>
              <td data-label={columns.action}>
                {label(row.action)}
                {label(row.action) !== row.action && <span className="audit-table__code">{row.action}</span>}
              </td>
              <td data-label={columns.department}>
                {department ? <span lang={department.lang}>{department.text}</span> : t('wholeTenant')}
              </td>
              <td data-label={columns.details}>
                {details.length === 0 && !row.visitId ? (
                  '–'
                ) : (
                  <ul className="audit-table__data">
                    {row.visitId && (
                      <li>
                        {t('visit')}: <code>{row.visitId}</code>
                      </li>
                    )}
                    {details.map((detail) => (
                      <li key={detail.key} data-key={detail.key}>
                        {detail.label}: {detail.text}
                        {detail.text !== null && detail.code !== null && ' '}
                        {detail.code !== null && <code>{detail.code}</code>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
