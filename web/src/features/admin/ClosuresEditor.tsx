import type { AdminClosure } from '@amtsraum/shared';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message } from '../../lib/message';
import { useLoad } from '../../lib/useLoad';
import { useLocalize } from '../../lib/useLocalize';
import { formatCivilDate } from '../../ui/format';
import { Field } from '../../ui/forms';
import { AdminLoad } from './AdminGate';
import { addClosure, prefillHolidays, removeClosure, tenantBase } from './api';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { AdminClosureListSchema, DepartmentClosureListSchema } from '@amtsraum/shared';
import { FormSummary, SavedStatus, useAdminForm } from './useAdminForm';

type ClosureField = 'from' | 'to' | 'reason';
const CLOSURE_FIELDS: ClosureField[] = ['from', 'to', 'reason'];

/**
 * The closures of one scope (`scope`: the municipality's or a department's admin path), to add and
 * remove; for a department also the municipality's (read-only), and the holiday prefill for
 * municipality admins.
 */
export function ClosuresEditor({
  scope,
  tenant,
  canPrefill,
  department = false,
}: {
  scope: string;
  tenant: string;
  canPrefill: boolean;
  department?: boolean;
}) {
  const { t } = useTranslation('admin');
  const state = useLoad(`admin-closures:${scope}`, async (signal) => {
    const options = { language: currentLocale(), signal };
    if (!department)
      return {
        closures: (await getJson(`${scope}/closures`, AdminClosureListSchema, options)).closures,
        tenantClosures: [],
      };
    return getJson(`${scope}/closures`, DepartmentClosureListSchema, options);
  });
  const form = useAdminForm(CLOSURE_FIELDS);
  const { fields } = form;
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const prefill = useAdminForm(['year'] as const);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const added = await form.run(
      () => addClosure(scope, { from, to: to || from, reason: reason.trim() ? { de: reason.trim() } : null }),
      message((tr) => tr('admin:closures.added')),
    );
    if (added) {
      setFrom('');
      setTo('');
      setReason('');
      state.reload();
    }
  };

  const runPrefill = async () => {
    const result = await prefill.run(
      () => prefillHolidays(tenant, Number(year)),
      message((tr) => tr('admin:closures.prefilled')),
    );
    if (result) state.reload();
  };

  return (
    <div data-testid="closures-editor">
      <AdminLoad state={state}>
        {({ closures, tenantClosures }) => (
          <>
            <ClosureItems
              closures={closures}
              empty={t('closures.none')}
              onRemove={async (closure) => {
                const done = await form.run(
                  () => removeClosure(scope, closure.id),
                  message((tr) => tr('admin:closures.removed')),
                );
                if (done !== null) state.reload();
              }}
            />
            {department && (
              <details>
                <summary>{t('closures.tenantWide', { count: tenantClosures.length })}</summary>
                <ClosureItems closures={tenantClosures} empty={t('closures.none')} />
              </details>
            )}
          </>
        )}
      </AdminLoad>
      <form className="panel" noValidate onSubmit={(e) => void submit(e)} aria-labelledby={`${scope}-add-closure`}>
        <h3 id={`${scope}-add-closure`}>{t('closures.addHeading')}</h3>
        <FormSummary form={form} />
        <Field fields={fields} field="from" label={t('closures.from')}>
          {(control) => <input {...control} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field fields={fields} field="to" label={t('closures.to')} hint={t('closures.toHint')}>
          {(control) => <input {...control} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field fields={fields} field="reason" label={t('closures.reason')}>
          {(control) => <input {...control} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
          {t('closures.add')}
        </button>
        <SavedStatus form={form} testId="closure-saved" />
      </form>
      {canPrefill && (
        <div className="panel">
          <h3>{t('closures.prefillHeading')}</h3>
          <FormSummary form={prefill} />
          <div className="field">
            <label htmlFor={`${scope}-prefill-year`}>{t('closures.year')}</label>
            <input
              id={`${scope}-prefill-year`}
              inputMode="numeric"
              value={year}
              onChange={(e) => setYear(e.target.value)}
            />
          </div>
          <button type="button" className="button" onClick={() => void runPrefill()}>
            {t('closures.prefill')}
          </button>
          <SavedStatus form={prefill} testId="prefill-saved" />
        </div>
      )}
    </div>
  );
}

/** Tenant-wide closures are edited on the municipality's page. */
export const tenantClosuresScope = tenantBase;

function ClosureItems({
  closures,
  empty,
  onRemove,
}: {
  closures: AdminClosure[];
  empty: string;
  onRemove?: (closure: AdminClosure) => Promise<void>;
}) {
  const { t, i18n } = useTranslation('admin');
  const localize = useLocalize();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  if (closures.length === 0) return <p>{empty}</p>;
  return (
    <ul className="admin-list" data-testid="closure-list">
      {closures.map((closure) => {
        const reason = closure.reason ? localize(closure.reason) : null;
        const dates =
          closure.from === closure.to
            ? formatCivilDate(closure.from, locale)
            : `${formatCivilDate(closure.from, locale)} – ${formatCivilDate(closure.to, locale)}`;
        return (
          <li key={closure.id}>
            <span>
              {dates}
              {reason && (
                <>
                  {' · '}
                  <span lang={reason.lang}>{reason.text}</span>
                </>
              )}
            </span>
            {onRemove && (
              <button
                type="button"
                className="button button--secondary"
                aria-label={t('closures.removeLabel', { dates })}
                onClick={() => void onRemove(closure)}
              >
                {t('closures.remove')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
