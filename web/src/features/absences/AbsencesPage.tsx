import { pagePath, type Absence, type Collision, type OwnAbsences, type StaffMe } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { useReloadWhenShown } from '../../lib/useReloadWhenShown';
import { useLocalize } from '../../lib/useLocalize';
import { ErrorPage } from '../../ui/ErrorPage';
import { formatClock, formatCivilDate, formatLongDate } from '../../ui/format';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { LoadingState } from '../../ui/LoadingState';
import { NoRight, ToSignIn, useSessionEnded } from '../../ui/LostRight';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { PageHeading } from '../../ui/PageHeading';
import { DraftsOf, useKeptDraft, useLeaveGuard } from '../../ui/useLeaveGuard';
import { ZoneNote } from '../../ui/ZoneNote';
import {
  ABSENCE_FIELDS,
  absenceDays,
  absenceInputOf,
  draftProblems,
  EMPTY_DRAFT,
  type AbsenceDraft,
  type AbsenceField,
} from './absence-form';
import { CollisionError } from '../../lib/collisions';
import { addOwnAbsence, removeOwnAbsence, useMe, useOwnAbsences } from './api';
import './absences.css';

type Department = StaffMe['staff']['departments'][number];

/**
 * `/staff/:departmentId/absences` (issue 15: "Clerk: … their own absences if the department allows
 * it"): the clerk's absences not yet over, a form to add one and a button to remove each. Where
 * the department does not allow it, the page says so and whom to ask; an absence over a booked
 * appointment is refused, and the page says which appointments and what to do.
 */
export function AbsencesPage() {
  const { departmentId = '' } = useParams();
  const [version, setVersion] = useState(0);
  const me = useMe();
  const absences = useOwnAbsences(departmentId, version);
  // Changed meanwhile in another window, or by an admin (allowed or not): shown again, it is current.
  useReloadWhenShown(absences.reload);
  const error = me.status === 'error' ? me.error : absences.status === 'error' ? absences.error : null;
  if (error) return <LoadProblem error={error} retry={me.status === 'error' ? me.reload : absences.reload} />;
  if (me.status !== 'success') return <LoadingState />;
  const department = me.data.staff.departments.find((d) => d.id === departmentId);
  if (!department) return <NotFoundPage reason="route" />;
  // A reload after a change keeps the page in place (and the focus where it was).
  const data = absences.status === 'success' ? absences.data : absences.previous;
  if (!data) return <LoadingState />;
  // The form's typing is kept for this account when the session ends meanwhile, as in the admin's forms.
  return (
    <DraftsOf owner={me.data.staff.id}>
      <Absences
        department={department}
        data={data}
        onChange={() => {
          setVersion((n) => n + 1);
        }}
      />
    </DraftsOf>
  );
}

function LoadProblem({ error, retry }: { error: ApiError; retry: () => void }) {
  const { t } = useTranslation('absences');
  if (error.code === 'unauthorized') return <ToSignIn />;
  // Not (or no longer) in the department: the server refuses with 403 (issue 15).
  if (error.code === 'forbidden') {
    return (
      <>
        <PageHeading title={t('title')} />
        <NoRight reason="department" testId="absences-forbidden" />
      </>
    );
  }
  if (error.code === 'department_not_found' || error.code === 'route_not_found' || error.code === 'entry_not_found') {
    return <NotFoundPage reason="route" />;
  }
  return <ErrorPage error={error} retry={retry} />;
}

function Absences({ department, data, onChange }: { department: Department; data: OwnAbsences; onChange: () => void }) {
  const { t } = useTranslation('absences');
  const localize = useLocalize();
  const say = useSay();
  const name = localize(department.name);
  const [status, setStatus] = useState<Message | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  return (
    <>
      <PageHeading title={t('title')} />
      <p>
        <Link to={pagePath('console', { departmentId: department.id })}>
          {t('backToConsole', { department: name.text })}
        </Link>
        {' · '}
        <Link to={pagePath('staffHome')}>{t('backToHome')}</Link>
      </p>
      <p className="lead">
        {t('intro')} <span lang={name.lang}>{t('department', { department: name.text })}</span>
      </p>
      <ZoneNote timeZone={data.timeZone} />
      {!data.allowed && <NotAllowed department={department} />}

      <section className="absences-section" aria-labelledby="absences-list">
        <h2 id="absences-list" ref={headingRef} tabIndex={-1}>
          {t('list.heading')}
        </h2>
        {data.absences.length === 0 ? (
          <p data-testid="absences-none">{t('list.none')}</p>
        ) : (
          <ul className="absences-list" data-testid="absences-list">
            {data.absences.map((absence) => (
              <AbsenceItem
                key={absence.id}
                absence={absence}
                timeZone={data.timeZone}
                canRemove={data.allowed}
                departmentId={department.id}
                onRemoved={() => {
                  setStatus(message((tr) => tr('absences:list.removed')));
                  // The button is gone with its row: the list's heading keeps the keyboard in place.
                  headingRef.current?.focus();
                  onChange();
                }}
                onFailed={(why) => {
                  setStatus(why);
                }}
                onRefused={onChange}
              />
            ))}
          </ul>
        )}
        <p role="status" className="muted" data-testid="absences-status">
          {status ? say(status) : ''}
        </p>
      </section>

      {data.allowed && (
        <AddAbsence
          department={department}
          timeZone={data.timeZone}
          onAdded={() => {
            setStatus(message((tr) => tr('absences:form.added')));
            onChange();
          }}
          onRefused={onChange}
        />
      )}
    </>
  );
}

/** Plainly: this department does not let clerks enter absences, and who does. */
function NotAllowed({ department }: { department: Department }) {
  const { t } = useTranslation('absences');
  const localize = useLocalize();
  const name = localize(department.name);
  return (
    <div className="notice notice--info" data-testid="absences-not-allowed">
      <p>{t('notAllowed.text', { department: name.text })}</p>
      {department.role === 'admin' ? (
        <p>
          <Link to={pagePath('adminAvailability', { tenant: department.tenantSlug, department: department.slug })}>
            {t('notAllowed.adminLink')}
          </Link>
        </p>
      ) : (
        <p>{t('notAllowed.ask')}</p>
      )}
    </div>
  );
}

function useAbsenceText() {
  const { i18n, t } = useTranslation('absences');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (absence: Pick<Absence, 'startsAt' | 'endsAt'>, timeZone: string) => {
    const days = absenceDays(absence, timeZone);
    const first = formatCivilDate(days.firstDay, locale);
    const last = formatCivilDate(days.lastDay, locale);
    if (days.from === null && days.until === null) {
      return days.firstDay === days.lastDay ? t('span.day', { day: first }) : t('span.days', { first, last });
    }
    const from = formatClock(new Date(absence.startsAt), locale, timeZone);
    const until = formatClock(new Date(absence.endsAt), locale, timeZone);
    if (days.firstDay === days.lastDay) {
      if (days.until === null) return t('span.dayFrom', { day: first, from });
      return t('span.dayTimes', { day: first, from: days.from ?? '00:00', until });
    }
    return t('span.times', {
      first,
      from: days.from ?? '00:00',
      last,
      until: days.until ?? '24:00',
    });
  };
}

function AbsenceItem({
  absence,
  timeZone,
  canRemove,
  departmentId,
  onRemoved,
  onFailed,
  onRefused,
}: {
  absence: Absence;
  timeZone: string;
  canRemove: boolean;
  departmentId: string;
  onRemoved: () => void;
  onFailed: (why: Message) => void;
  /** Refused (403): no longer in the department, or it stopped allowing it; the reload says which. */
  onRefused: () => void;
}) {
  const { t } = useTranslation('absences');
  const sessionEnded = useSessionEnded();
  const text = useAbsenceText()(absence, timeZone);
  const [busy, setBusy] = useState(false);
  return (
    <li className="absences-item" data-testid="absence">
      <span>
        {text}
        {absence.reason && <span className="muted"> ({absence.reason})</span>}
      </span>
      {canRemove && (
        <button
          type="button"
          className="button"
          aria-disabled={busy || undefined}
          onClick={() => {
            if (busy) return;
            setBusy(true);
            removeOwnAbsence(departmentId, absence.id).then(
              () => {
                onRemoved();
              },
              (error: unknown) => {
                setBusy(false);
                const problem = toApiError(error);
                if (sessionEnded(problem)) return;
                if (problem.code === 'forbidden') onRefused();
                else onFailed(problemMessage(problem));
              },
            );
          }}
        >
          {t('list.remove')}
          <span className="visually-hidden"> ({text})</span>
        </button>
      )}
    </li>
  );
}

function AddAbsence({
  department,
  timeZone,
  onAdded,
  onRefused,
}: {
  department: Department;
  timeZone: string;
  onAdded: () => void;
  /**
   * Refused (403): the department stopped allowing it, or the clerk is no longer in it; the page
   * reloads and says which.
   */
  onRefused: () => void;
}) {
  const { t, i18n } = useTranslation('absences');
  const sessionEnded = useSessionEnded();
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const id = useId();
  const fields = useFieldErrors<AbsenceField>(ABSENCE_FIELDS);
  const [draft, setDraft] = useState<AbsenceDraft>(EMPTY_DRAFT);
  const [failure, setFailure] = useState<Message | null>(null);
  const [collisions, setCollisions] = useState<Collision[] | null>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const collisionRef = useRef<HTMLDivElement>(null);
  const [failedAt, setFailedAt] = useState(0);
  // Typed and not entered yet: leaving by a link or Back asks first, and an ended session keeps it.
  const unsaved = (Object.keys(draft) as (keyof AbsenceDraft)[]).some((key) => draft[key] !== EMPTY_DRAFT[key]);
  useLeaveGuard(unsaved);
  const restored = useKeptDraft('absence', unsaved, draft, setDraft);
  useEffect(() => {
    if (failedAt === 0) return;
    (collisionRef.current ?? summaryRef.current)?.focus();
  }, [failedAt]);

  const set = (key: AbsenceField) => (value: string) => {
    setDraft((previous) => ({ ...previous, [key]: value }));
  };
  const messageFor = (field: AbsenceField): Message => message((tr) => tr(`absences:errors.${field}`));
  const fail = (found: FieldErrors<AbsenceField>, whole: Message | null, hit: Collision[] | null) => {
    fields.setErrors(found);
    setFailure(whole);
    setCollisions(hit);
    setFailedAt((n) => n + 1);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const input = absenceInputOf(draft);
    const problems = draftProblems(input);
    if (problems.length > 0) {
      fail(Object.fromEntries(problems.map((field) => [field, messageFor(field)])), null, null);
      return;
    }
    setBusy(true);
    try {
      await addOwnAbsence(department.id, input);
      fields.setErrors({});
      setFailure(null);
      setCollisions(null);
      setDraft(EMPTY_DRAFT);
      onAdded();
    } catch (error) {
      if (error instanceof CollisionError) {
        fail({}, null, error.collisions);
        return;
      }
      const apiError = toApiError(error);
      if (sessionEnded(apiError)) return;
      if (apiError.code === 'forbidden') {
        onRefused();
        return;
      }
      const found = fields.fromServer(apiError, messageFor);
      fail(found, Object.keys(found).length > 0 ? null : problemMessage(apiError), null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="absences-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('form.heading')}</h2>
      {restored}
      <form className="panel" noValidate onSubmit={(event) => void submit(event)} data-testid="absence-form">
        <ErrorSummary
          ref={summaryRef}
          fields={fields}
          failure={failure}
          failureTestId="absence-failure"
          title={t('form.errorSummary')}
          titleElement="h3"
        />
        {collisions && (
          <div ref={collisionRef} tabIndex={-1} role="alert" className="form-failure" data-testid="absence-collision">
            <p>{t('collision.text', { count: collisions.length })}</p>
            <ul>
              {collisions.map((collision) => (
                <li key={collision.appointmentId}>
                  {formatLongDate(new Date(collision.startsAt), locale, timeZone)},{' '}
                  {formatClock(new Date(collision.startsAt), locale, timeZone)}–
                  {formatClock(new Date(collision.endsAt), locale, timeZone)}
                </li>
              ))}
            </ul>
            <p>{t('collision.what')}</p>
          </div>
        )}
        <div className="absences-grid">
          <Field fields={fields} field="startsOn" label={t('form.startsOn')}>
            {(control) => (
              <input
                {...control}
                type="date"
                value={draft.startsOn}
                onChange={(e) => set('startsOn')(e.target.value)}
              />
            )}
          </Field>
          <Field fields={fields} field="startsAtTime" label={t('form.startsAtTime')} hint={t('form.startsAtTimeHint')}>
            {(control) => (
              <input
                {...control}
                type="time"
                value={draft.startsAtTime}
                onChange={(e) => set('startsAtTime')(e.target.value)}
              />
            )}
          </Field>
          <Field fields={fields} field="endsOn" label={t('form.endsOn')} hint={t('form.endsOnHint')}>
            {(control) => (
              <input {...control} type="date" value={draft.endsOn} onChange={(e) => set('endsOn')(e.target.value)} />
            )}
          </Field>
          <Field fields={fields} field="endsAtTime" label={t('form.endsAtTime')} hint={t('form.endsAtTimeHint')}>
            {(control) => (
              <input
                {...control}
                type="time"
                value={draft.endsAtTime}
                onChange={(e) => set('endsAtTime')(e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field fields={fields} field="reason" label={t('form.reason')} hint={t('form.reasonHint')}>
          {(control) => (
            <input
              {...control}
              type="text"
              maxLength={120}
              value={draft.reason}
              onChange={(e) => set('reason')(e.target.value)}
            />
          )}
        </Field>
        <div className="button-row">
          <button type="submit" className="button button--primary" aria-disabled={busy || undefined}>
            {t('form.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
