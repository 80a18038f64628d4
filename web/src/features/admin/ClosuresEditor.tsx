import type { AdminClosure, Collision } from '@amtsraum/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { message } from '../../lib/message';
import { keepWhileReloading, useLoad } from '../../lib/useLoad';
import { useReloadWhenShown } from '../../lib/useReloadWhenShown';
import { useLocalize } from '../../lib/useLocalize';
import { formatCivilDate } from '../../ui/format';
import { CollisionChoice, type Resolutions } from '../../ui/CollisionChoice';
import { Field } from '../../ui/forms';
import { AdminLoad } from './AdminGate';
import { addClosure, prefillHolidays, removeClosure, tenantBase } from './api';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { AdminClosureListSchema, DepartmentClosureListSchema, type ClosureCreate } from '@amtsraum/shared';
import { useKeptDraft } from '../../ui/useLeaveGuard';
import { FormSummary, ListStatus, SavedStatus, useAdminForm } from './useAdminForm';

// The reason per language, by the server's paths (`reason.de`, `reason.en`): each error at its field.
type ClosureField = 'from' | 'to' | 'reason.de' | 'reason.en' | 'reason';
const CLOSURE_FIELDS: ClosureField[] = ['from', 'to', 'reason.de', 'reason.en', 'reason'];

/** A closure or the prefill refused for the bookings it would hit, and how to send it again with the choices. */
type Collided = { what: 'add' | 'prefill'; collisions: Collision[]; retry: (resolutions: Resolutions) => void };

/**
 * The closures of one scope (`scope`: the municipality's or a department's admin path), to add and
 * remove; for a department also the municipality's (read-only), and the holiday prefill for
 * municipality admins. A closure or prefill over booked appointments shows them with the choice to
 * move, cancel or keep each (issue 15, item 3), then is sent again with the choices.
 */
export function ClosuresEditor({
  scope,
  tenant,
  canPrefill,
  department = false,
  timeZone: tenantZone,
}: {
  scope: string;
  tenant: string;
  canPrefill: boolean;
  department?: boolean;
  /**
   * The municipality's time zone, for the times of the appointments a change would hit; a
   * department's list of closures brings it along.
   */
  timeZone?: string;
}) {
  const { t } = useTranslation('admin');
  const state = useLoad(`admin-closures:${scope}`, async (signal) => {
    const options = { language: currentLocale(), signal };
    if (!department)
      return {
        closures: (await getJson(`${scope}/closures`, AdminClosureListSchema, options)).closures,
        tenantClosures: [],
        timeZone: tenantZone,
      };
    return getJson(`${scope}/closures`, DepartmentClosureListSchema, options);
  });
  useReloadWhenShown(state.reload);
  // The municipality's, not the zone of the admin's device: a laptop set to UTC, or abroad, said
  // other times than the citizens were given. The device's only while the list has not loaded.
  const loaded = keepWhileReloading(state);
  const timeZone =
    (loaded.status === 'success' ? loaded.data.timeZone : tenantZone) ??
    Intl.DateTimeFormat().resolvedOptions().timeZone;
  const form = useAdminForm(CLOSURE_FIELDS);
  const { fields } = form;
  // Removing is no part of the add form: its outcome is said above the list.
  const listActions = useAdminForm([] as const);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [reasonEn, setReasonEn] = useState('');
  const restored = useKeptDraft('new-closure', form.unsaved, { from, to, reason, reasonEn }, (kept) => {
    setFrom(kept.from);
    setTo(kept.to);
    setReason(kept.reason);
    setReasonEn(kept.reasonEn);
    form.edited();
  });
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const prefill = useAdminForm(['year'] as const);
  const [collided, setCollided] = useState<Collided | null>(null);
  // One outcome at a time, the newest: a removal's "removed" beside a later add's refusal (or the
  // add form's errors beside a later removal) had the administrator read a stale status as news.
  const sayOnlyOf = (current: { clear: () => void }) => {
    for (const other of [form, listActions, prefill]) if (other !== current) other.clear();
  };
  // A removed closure takes its button with it: once the list has loaded again, the focus goes to
  // the button now at its place (or the one before it), or to "no closures" when none is left.
  const ownList = useRef<HTMLDivElement>(null);
  const focusAt = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAt.current;
    if (index === null || state.status !== 'success') return;
    focusAt.current = null;
    const buttons = ownList.current?.querySelectorAll<HTMLElement>('button') ?? [];
    (buttons[Math.min(index, buttons.length - 1)] ?? ownList.current?.querySelector<HTMLElement>('p'))?.focus();
  }, [state]);

  const add = async (closure: ClosureCreate) => {
    setCollided(null);
    sayOnlyOf(form);
    const added = await form.run(
      () => addClosure(scope, closure),
      message((tr) => tr('admin:closures.added')),
      {
        onCollision: (collisions) =>
          setCollided({ what: 'add', collisions, retry: (resolutions) => void add({ ...closure, resolutions }) }),
      },
    );
    if (added) {
      setFrom('');
      setTo('');
      setReason('');
      setReasonEn('');
      state.reload();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const de = reason.trim();
    const en = reasonEn.trim();
    // German is the office's language and every citizen's fallback: an English reason alone is
    // said at the German field, before anything is sent.
    if (en && !de) {
      sayOnlyOf(form);
      form.reject({ 'reason.de': message((tr) => tr('admin:closures.reasonGermanMissing')) });
      return;
    }
    void add({ from, to: to || from, reason: de ? { de, ...(en ? { en } : {}) } : null });
  };

  const runPrefill = async (chosen: number, resolutions?: Resolutions) => {
    setCollided(null);
    sayOnlyOf(prefill);
    const result = await prefill.run(
      () => prefillHolidays(tenant, chosen, resolutions),
      message((tr) => tr('admin:closures.prefilled')),
      {
        onCollision: (collisions) =>
          setCollided({ what: 'prefill', collisions, retry: (choices) => void runPrefill(chosen, choices) }),
      },
    );
    if (result) state.reload();
  };

  const choice = (what: Collided['what']) =>
    collided?.what === what && (
      <CollisionChoice
        // A new answer (some could not be moved) is chosen afresh: the slots offered changed.
        key={collided.collisions.map((c) => `${c.appointmentId}${c.notMoved ? '!' : ''}`).join(' ')}
        collisions={collided.collisions}
        timeZone={timeZone}
        onApply={collided.retry}
        onCancel={() => setCollided(null)}
      />
    );

  return (
    <div data-testid="closures-editor">
      <ListStatus form={listActions} testId="closure-list-status" />
      {/* The list stays in place while it loads again: no blinking through "loading", the focus kept. */}
      <AdminLoad state={keepWhileReloading(state)}>
        {({ closures, tenantClosures }) => (
          <>
            <div ref={ownList}>
              <ClosureItems
                closures={closures}
                empty={t('closures.none')}
                onRemove={async (closure, index) => {
                  sayOnlyOf(listActions);
                  const done = await listActions.run(
                    () => removeClosure(scope, closure.id),
                    message((tr) => tr('admin:closures.removed')),
                    { onStale: state.reload },
                  );
                  if (done === null) return;
                  focusAt.current = index;
                  state.reload();
                }}
              />
            </div>
            {department && (
              <details>
                <summary>{t('closures.tenantWide', { count: tenantClosures.length })}</summary>
                <ClosureItems closures={tenantClosures} empty={t('closures.none')} />
              </details>
            )}
          </>
        )}
      </AdminLoad>
      <form
        className="panel"
        noValidate
        onSubmit={(e) => void submit(e)}
        onChange={form.edited}
        aria-labelledby={`${scope}-add-closure`}
      >
        <h3 id={`${scope}-add-closure`}>{t('closures.addHeading')}</h3>
        <FormSummary form={form} />
        {restored}
        <Field fields={fields} field="from" label={t('closures.from')}>
          {(control) => <input {...control} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />}
        </Field>
        <Field fields={fields} field="to" label={t('closures.to')} hint={t('closures.toHint')}>
          {(control) => <input {...control} type="date" value={to} onChange={(e) => setTo(e.target.value)} />}
        </Field>
        <Field fields={fields} field="reason.de" label={t('closures.reason')} hint={t('closures.reasonHint')}>
          {(control) => <input type="text" {...control} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <Field fields={fields} field="reason.en" label={t('closures.reasonEn')}>
          {(control) => (
            <input type="text" {...control} value={reasonEn} onChange={(e) => setReasonEn(e.target.value)} />
          )}
        </Field>
        <button type="submit" className="button button--primary" aria-disabled={form.busy || undefined}>
          {t('closures.add')}
        </button>
        <SavedStatus form={form} testId="closure-saved" />
      </form>
      {choice('add')}
      {canPrefill && (
        <div className="panel">
          <h3>{t('closures.prefillHeading')}</h3>
          <FormSummary form={prefill} />
          {/* A year refused is said at this field, and the summary's link leads to it. */}
          <Field fields={prefill.fields} field="year" label={t('closures.year')}>
            {(control) => (
              <input
                type="text"
                {...control}
                inputMode="numeric"
                value={year}
                onChange={(e) => setYear(e.target.value)}
              />
            )}
          </Field>
          <button type="button" className="button" onClick={() => void runPrefill(Number(year))}>
            {t('closures.prefill')}
          </button>
          {choice('prefill')}
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
  onRemove?: (closure: AdminClosure, index: number) => Promise<void>;
}) {
  const { t, i18n } = useTranslation('admin');
  const localize = useLocalize();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  // Focusable from script only: where the focus goes once the last closure is removed.
  if (closures.length === 0) return <p tabIndex={onRemove ? -1 : undefined}>{empty}</p>;
  return (
    <ul className="admin-list" data-testid="closure-list">
      {closures.map((closure, index) => {
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
                onClick={() => void onRemove(closure, index)}
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
