import {
  AbsenceInputSchema,
  addDays,
  BookingRulesSchema,
  formatCivilDate as civilText,
  pagePath,
  parseCivilDate,
  weekdayOf,
  zonedParts,
  type AbsenceInput,
  type AvailabilityResponse,
  type BookingRules,
  type ClerkAvailability,
  type Collision,
  type Resolution,
  type WeekView,
  type WeeklyRange,
} from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { safeParse } from 'zod/mini';
import { toApiError, type ApiError } from '../../lib/api';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { Link, useParams } from '../../lib/router';
import { useLocalize } from '../../lib/useLocalize';
import { useReloadWhenShown } from '../../lib/useReloadWhenShown';
import { formatClock, formatCivilDate, formatLongDate, formatMinutes } from '../../ui/format';
import { ErrorSummary, Field, useFieldErrors, type FieldErrors } from '../../ui/forms';
import { PageHeading } from '../../ui/PageHeading';
import { CollisionChoice } from '../../ui/CollisionChoice';
import { CollisionError } from '../../lib/collisions';
import { isRefused, useRefusal } from '../../ui/LostRight';
import { useKeptDraft, useLeaveGuard } from '../../ui/useLeaveGuard';
import { NotFoundOr } from '../directory';
import { AdminGate } from './AdminGate';
import {
  addAbsence,
  removeAbsence,
  saveBookingRules,
  saveHours,
  useAvailability,
  useBookingRules,
  useWeek,
  type DepartmentRef,
} from './api';
import './offer.css';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * `/admin/:tenant/departments/:department/availability`: booking rules, each clerk's weekly hours
 * and absences, and the week with its free capacity (issue 15, items 3 and 4).
 */
export function AdminAvailabilityPage() {
  const { t } = useTranslation('offer');
  const params = useParams();
  const ref: DepartmentRef = { tenant: params.tenant ?? '', department: params.department ?? '' };
  const [version, setVersion] = useState(0);
  const changed = () => setVersion((v) => v + 1);
  const availability = useAvailability(ref, version);
  useReloadWhenShown(changed);
  return (
    <NotFoundOr refused={isRefused(availability)}>
      <PageHeading title={t('availability.title')} />
      <p>
        <Link to={pagePath('adminDepartment', ref)}>{t('services.back')}</Link>
      </p>
      <p>
        <Link to={pagePath('adminServices', ref)}>{t('services.title')}</Link>
      </p>
      <AdminGate state={availability}>
        {(data) => (
          <>
            <WeekSection refOf={ref} version={version} timeZone={data.timeZone} />
            <ClerksSection refOf={ref} data={data} onChange={changed} />
            <RulesSection refOf={ref} />
          </>
        )}
      </AdminGate>
    </NotFoundOr>
  );
}

function useLocale() {
  const { i18n } = useTranslation();
  return i18n.resolvedLanguage ?? i18n.language;
}

// -- the week ------------------------------------------------------------------------------------

function mondayOf(date: ReturnType<typeof parseCivilDate>) {
  return addDays(date, 1 - weekdayOf(date));
}

function WeekSection({ refOf, version, timeZone }: { refOf: DepartmentRef; version: number; timeZone: string }) {
  const { t } = useTranslation('offer');
  const [from, setFrom] = useState(() => civilText(mondayOf(zonedParts(new Date(), timeZone))));
  const week = useWeek(refOf, from, version);
  const shift = (days: number) => setFrom((f) => civilText(addDays(parseCivilDate(f), days)));
  const locale = useLocale();
  return (
    <section aria-labelledby="week-heading" className="offer-section">
      <h2 id="week-heading">{t('week.title', { date: formatCivilDate(from, locale) })}</h2>
      <div className="button-row">
        <button type="button" className="button button--small button--secondary" onClick={() => shift(-7)}>
          {t('week.previous')}
        </button>
        <button type="button" className="button button--small button--secondary" onClick={() => shift(7)}>
          {t('week.next')}
        </button>
      </div>
      <AdminGate state={week}>{(data) => <WeekDays week={data} />}</AdminGate>
    </section>
  );
}

/** One day per block, each a small table of clerks: readable at 320 px without scrolling sideways. */
function WeekDays({ week }: { week: WeekView }) {
  const { t } = useTranslation('offer');
  const locale = useLocale();
  const localize = useLocalize();
  const clock = (iso: string) => formatClock(new Date(iso), locale, week.timeZone);
  return (
    <div className="week" data-testid="week-view">
      {week.days.map((day) => (
        <div key={day.date} className="week__day" data-testid={`week-${day.date}`}>
          <h3 className="week__date">
            {formatLongDate(new Date(`${day.date}T12:00:00Z`), locale, 'UTC')}
            {day.closed && ` · ${t('week.closed')}`}
          </h3>
          {day.clerks.length === 0 ? (
            <p className="muted">{t('week.noClerks')}</p>
          ) : (
            <table className="week__table">
              <thead>
                <tr>
                  <th scope="col">{t('week.clerk')}</th>
                  <th scope="col">{t('week.hours')}</th>
                  <th scope="col">{t('week.booked')}</th>
                  <th scope="col">{t('week.free')}</th>
                </tr>
              </thead>
              <tbody>
                {day.clerks.map((clerk) => (
                  <tr key={clerk.staffId}>
                    <th scope="row">{clerk.name}</th>
                    <td>
                      {clerk.ranges.length === 0
                        ? '–'
                        : clerk.ranges.map((r) => `${clock(r.startsAt)}–${clock(r.endsAt)}`).join(', ')}
                    </td>
                    <td>
                      {clerk.appointments.length === 0 ? (
                        '–'
                      ) : (
                        <ul className="week__appointments">
                          {clerk.appointments.map((a) => (
                            <li key={a.id}>
                              {clock(a.startsAt)} {a.services.map((s) => localize(s).text).join(', ')} ({a.citizenName})
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td>{t('week.freeTime', { time: formatMinutes(clerk.freeMinutes, locale) })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      ))}
    </div>
  );
}

// -- collisions ----------------------------------------------------------------------------------

/** Runs a change; on a collision shows the choice and runs it again with the resolutions. */
function useCollidingChange(onDone: () => void) {
  const [collisions, setCollisions] = useState<Collision[] | null>(null);
  const [failure, setFailure] = useState<Message | null>(null);
  const [done, setDone] = useState<Message | null>(null);
  const refusal = useRefusal();
  const lastRef = useRef<((r?: Record<string, Resolution>) => Promise<{ resolved: { outcome: string }[] }>) | null>(
    null,
  );
  const run = async (
    change: (r?: Record<string, Resolution>) => Promise<{ resolved: { outcome: string }[] }>,
    resolutions?: Record<string, Resolution>,
  ) => {
    lastRef.current = change;
    setFailure(null);
    setDone(null);
    refusal.clear();
    try {
      const result = await change(resolutions);
      setCollisions(null);
      const count = (outcome: string) => result.resolved.filter((r) => r.outcome === outcome).length;
      setDone(
        message((t) =>
          t('collisions:done', {
            moved: count('moved'),
            cancelled: count('cancelled'),
            kept: count('kept'),
            failed: count('not_moved'),
          }),
        ),
      );
      onDone();
      return true;
    } catch (error) {
      if (error instanceof CollisionError) {
        setCollisions(error.collisions);
        return null;
      }
      const problem = toApiError(error);
      if (refusal.refused(problem)) {
        setCollisions(null);
        return null;
      }
      setFailure(problemMessage(problem));
      return problem;
    }
  };
  return {
    collisions,
    failure,
    notice: refusal.notice,
    done,
    run,
    resolve: (resolutions: Record<string, Resolution>) =>
      lastRef.current ? run(lastRef.current, resolutions) : Promise.resolve(false),
    dismiss: () => setCollisions(null),
    /** Forgets what the last change came to: a newer action's outcome is said instead. */
    clear: () => {
      setFailure(null);
      setDone(null);
      refusal.clear();
    },
  };
}

// -- clerks --------------------------------------------------------------------------------------

function ClerksSection({
  refOf,
  data,
  onChange,
}: {
  refOf: DepartmentRef;
  data: AvailabilityResponse;
  onChange: () => void;
}) {
  const { t } = useTranslation('offer');
  return (
    <section aria-labelledby="clerks-heading" className="offer-section">
      <h2 id="clerks-heading">{t('clerks.title')}</h2>
      {data.clerks.length === 0 && <p>{t('clerks.none')}</p>}
      {data.clerks.map((clerk) => (
        <ClerkPanel key={clerk.staffId} refOf={refOf} clerk={clerk} timeZone={data.timeZone} onChange={onChange} />
      ))}
    </section>
  );
}

const rangesText = (ranges: WeeklyRange[], weekday: number) =>
  ranges
    .filter((r) => r.weekday === weekday)
    .map((r) => `${r.startsAt}-${r.endsAt}`)
    .join(', ');

function parseRanges(text: string, weekday: number): WeeklyRange[] | null {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const ranges: WeeklyRange[] = [];
  for (const part of parts) {
    const match = /^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/.exec(part);
    if (!match) return null;
    const pad = (clock: string) => clock.padStart(5, '0');
    ranges.push({ weekday, startsAt: pad(match[1]!), endsAt: pad(match[2]!) });
  }
  return ranges;
}

function ClerkPanel({
  refOf,
  clerk,
  timeZone,
  onChange,
}: {
  refOf: DepartmentRef;
  clerk: ClerkAvailability;
  timeZone: string;
  onChange: () => void;
}) {
  const { t } = useTranslation('offer');
  const locale = useLocale();
  const headingId = useId();
  const weekdayFields = WEEKDAYS.map((d) => `day${String(d)}`);
  const hours = useFieldErrors<string>(weekdayFields);
  const [texts, setTexts] = useState<Record<number, string>>(() =>
    Object.fromEntries(WEEKDAYS.map((d) => [d, rangesText(clerk.ranges, d)])),
  );
  // The hours as last saved (or loaded): typed otherwise, leaving the page asks first.
  const [savedTexts, setSavedTexts] = useState(texts);
  const unsavedHours = JSON.stringify(texts) !== JSON.stringify(savedTexts);
  useLeaveGuard(unsavedHours);
  const restoredHours = useKeptDraft(`hours-${clerk.staffId}`, unsavedHours, texts, setTexts);
  const hoursChange = useCollidingChange(onChange);
  const absenceChange = useCollidingChange(onChange);
  // Removing an absence says how it went (a refusal was silent before), and the focus goes to what
  // it says: the removed line takes its button with it.
  const say = useSay();
  const removalRefusal = useRefusal();
  const [removal, setRemoval] = useState<{ ok: boolean; text: Message; at: number } | null>(null);
  const removalRef = useRef<HTMLParagraphElement>(null);
  const removals = useRef(0);
  useEffect(() => {
    if (removal) removalRef.current?.focus();
  }, [removal]);
  const removeNow = async (absenceId: string) => {
    removalRefusal.clear();
    // One outcome at a time, the newest: "removed" beside an earlier "saved" read as two news.
    absenceChange.clear();
    const at = (removals.current += 1);
    try {
      await removeAbsence(refOf, clerk.staffId, absenceId);
      setRemoval({ ok: true, text: message((tr) => tr('offer:absences.removed')), at });
      onChange();
    } catch (error) {
      const problem = toApiError(error);
      if (removalRefusal.refused(problem)) setRemoval(null);
      else if (problem.code === 'entry_not_found' || problem.code === 'conflict') {
        // The list was out of date (removed or changed in another window): shown as it is now,
        // and said so, instead of "reload the page" beside a line that is no longer there.
        const why = problem.code === 'entry_not_found' ? null : problemMessage(problem);
        setRemoval({
          ok: false,
          text: message((tr, lang) =>
            why ? `${why.say(tr, lang)} ${tr('offer:absences.reloaded')}` : tr('offer:absences.goneReloaded'),
          ),
          at,
        });
        onChange();
      } else setRemoval({ ok: false, text: problemMessage(problem), at });
    }
  };

  const saveHoursNow = async (event: FormEvent) => {
    event.preventDefault();
    const errors: FieldErrors<string> = {};
    const ranges: WeeklyRange[] = [];
    for (const d of WEEKDAYS) {
      const parsed = parseRanges(texts[d] ?? '', d);
      if (!parsed || parsed.some((r) => r.startsAt >= r.endsAt))
        errors[`day${String(d)}`] = message((tr) => tr('offer:hours.invalid'));
      else ranges.push(...parsed);
    }
    hours.setErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const sent = texts;
    const result = await hoursChange.run((resolutions) => saveHours(refOf, clerk.staffId, { ranges, resolutions }));
    if (result === true) setSavedTexts(sent);
    if (result !== true && result?.code === 'validation_failed') {
      hours.setErrors(Object.fromEntries(weekdayFields.map((f) => [f, message((tr) => tr('offer:hours.invalid'))])));
    }
  };

  return (
    <article className="panel offer-clerk" aria-labelledby={headingId} data-testid={`clerk-${clerk.staffId}`}>
      <h3 id={headingId}>{clerk.name}</h3>
      <form noValidate onSubmit={(e) => void saveHoursNow(e)}>
        {restoredHours}
        <p className="field__hint">{t('hours.hint')}</p>
        <div className="offer-hours">
          {WEEKDAYS.map((d) => (
            <Field
              key={d}
              fields={hours}
              field={`day${String(d)}`}
              label={t('hours.weekday', { name: t(`weekdays.${d}`), clerk: clerk.name })}
            >
              {(control) => (
                <input
                  type="text"
                  {...control}
                  value={texts[d] ?? ''}
                  onChange={(e) => setTexts((all) => ({ ...all, [d]: e.target.value }))}
                />
              )}
            </Field>
          ))}
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            {t('hours.save')}
            <span className="visually-hidden"> ({clerk.name})</span>
          </button>
        </div>
        <ChangeOutcome change={hoursChange} timeZone={timeZone} />
      </form>

      <h4>{t('absences.title')}</h4>
      {removalRefusal.notice}
      {removal && (
        <p
          key={removal.at}
          ref={removalRef}
          tabIndex={-1}
          className={removal.ok ? 'notice' : 'notice notice--warning'}
          role={removal.ok ? 'status' : 'alert'}
          data-testid="absence-removal"
        >
          {say(removal.text)}
        </p>
      )}
      {clerk.absences.length === 0 ? (
        <p className="muted">{t('absences.none')}</p>
      ) : (
        <ul className="offer-absences">
          {clerk.absences.map((absence) => {
            const text = `${formatLongDate(new Date(absence.startsAt), locale, timeZone)} ${formatClock(new Date(absence.startsAt), locale, timeZone)} – ${formatLongDate(new Date(absence.endsAt), locale, timeZone)} ${formatClock(new Date(absence.endsAt), locale, timeZone)}`;
            return (
              <li key={absence.id}>
                {text}
                {absence.reason && ` (${absence.reason})`}{' '}
                <button
                  type="button"
                  className="button button--small button--secondary"
                  onClick={() => void removeNow(absence.id)}
                >
                  {t('absences.remove')}
                  <span className="visually-hidden"> {text}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <AbsenceForm
        clerkId={clerk.staffId}
        clerkName={clerk.name}
        onSubmit={(input) => {
          removalRefusal.clear();
          setRemoval(null);
          return absenceChange.run((resolutions) => addAbsence(refOf, clerk.staffId, { ...input, resolutions }));
        }}
      />
      <ChangeOutcome change={absenceChange} timeZone={timeZone} />
    </article>
  );
}

function ChangeOutcome({ change, timeZone }: { change: ReturnType<typeof useCollidingChange>; timeZone: string }) {
  const say = useSay();
  return (
    <>
      {change.collisions && (
        <CollisionChoice
          // A new answer (some could not be moved) is chosen afresh: the slots offered changed.
          key={change.collisions.map((c) => `${c.appointmentId}${c.notMoved ? '!' : ''}`).join(' ')}
          collisions={change.collisions}
          timeZone={timeZone}
          onApply={(resolutions) => void change.resolve(resolutions)}
          onCancel={change.dismiss}
        />
      )}
      {change.notice}
      {change.failure && (
        <p className="notice notice--warning" role="alert">
          {say(change.failure)}
        </p>
      )}
      {change.done && (
        <p className="notice" role="status" data-testid="change-done">
          {say(change.done)}
        </p>
      )}
    </>
  );
}

const ABSENCE_FIELDS = ['startsOn', 'endsOn', 'startsAtTime', 'endsAtTime', 'reason'] as const;
type AbsenceField = (typeof ABSENCE_FIELDS)[number];

function AbsenceForm({
  clerkId,
  clerkName,
  onSubmit,
}: {
  clerkId: string;
  clerkName: string;
  onSubmit: (input: AbsenceInput) => Promise<true | ApiError | null>;
}) {
  const { t } = useTranslation('offer');
  const fields = useFieldErrors(ABSENCE_FIELDS);
  const [draft, setDraft] = useState({ startsOn: '', endsOn: '', startsAtTime: '', endsAtTime: '', reason: '' });
  // Anything entered and not added yet: leaving the page asks first.
  const unsaved = Object.values(draft).some((value) => value !== '');
  useLeaveGuard(unsaved);
  const restored = useKeptDraft(`absence-${clerkId}`, unsaved, draft, setDraft);
  const set = (key: AbsenceField) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));
  const messageFor = (field: AbsenceField): Message => message((tr) => tr(`offer:absences.errors.${field}`));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const input: AbsenceInput = {
      startsOn: draft.startsOn,
      endsOn: draft.endsOn || draft.startsOn,
      ...(draft.startsAtTime ? { startsAtTime: draft.startsAtTime } : {}),
      ...(draft.endsAtTime ? { endsAtTime: draft.endsAtTime } : {}),
      ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}),
    };
    const errors: FieldErrors<AbsenceField> = {};
    const parsed = safeParse(AbsenceInputSchema, input);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = fields.fieldAt(issue.path.map(String).join('.'));
        if (field && !errors[field]) errors[field] = messageFor(field);
      }
      fields.setErrors(errors);
      return;
    }
    fields.setErrors({});
    const result = await onSubmit(input);
    if (result === true) setDraft({ startsOn: '', endsOn: '', startsAtTime: '', endsAtTime: '', reason: '' });
    else if (result) fields.setErrors(fields.fromServer(result, messageFor));
  };

  return (
    <form noValidate onSubmit={(e) => void submit(e)} className="offer-absence-form">
      <fieldset className="field">
        <legend>{t('absences.add', { clerk: clerkName })}</legend>
        {restored}
        <div className="offer-absence-form__grid">
          <Field fields={fields} field="startsOn" label={t('absences.startsOn')}>
            {(control) => (
              <input
                type="date"
                {...control}
                value={draft.startsOn}
                onChange={(e) => set('startsOn')(e.target.value)}
              />
            )}
          </Field>
          <Field fields={fields} field="startsAtTime" label={t('absences.startsAtTime')}>
            {(control) => (
              <input
                type="time"
                {...control}
                value={draft.startsAtTime}
                onChange={(e) => set('startsAtTime')(e.target.value)}
              />
            )}
          </Field>
          <Field fields={fields} field="endsOn" label={t('absences.endsOn')}>
            {(control) => (
              <input type="date" {...control} value={draft.endsOn} onChange={(e) => set('endsOn')(e.target.value)} />
            )}
          </Field>
          <Field fields={fields} field="endsAtTime" label={t('absences.endsAtTime')}>
            {(control) => (
              <input
                type="time"
                {...control}
                value={draft.endsAtTime}
                onChange={(e) => set('endsAtTime')(e.target.value)}
              />
            )}
          </Field>
        </div>
        <Field fields={fields} field="reason" label={t('absences.reason')} hint={t('absences.reasonHint')}>
          {(control) => (
            <input type="text" {...control} value={draft.reason} onChange={(e) => set('reason')(e.target.value)} />
          )}
        </Field>
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button">
          {t('absences.save')}
          <span className="visually-hidden"> ({clerkName})</span>
        </button>
      </div>
    </form>
  );
}

// -- booking rules -------------------------------------------------------------------------------

const RULE_FIELDS = [
  'horizonDays',
  'leadMinutes',
  'sameDayReleaseTime',
  'joinOpensMinutesBefore',
  'noShowGraceMinutes',
  'maxPersonsPerBooking',
] as const;
type RuleField = (typeof RULE_FIELDS)[number];

function RulesSection({ refOf }: { refOf: DepartmentRef }) {
  const { t } = useTranslation('offer');
  const state = useBookingRules(refOf);
  return (
    <section aria-labelledby="rules-heading" className="offer-section">
      <h2 id="rules-heading">{t('rules.title')}</h2>
      <AdminGate state={state}>{(data) => <RulesForm refOf={refOf} rules={data.rules} />}</AdminGate>
    </section>
  );
}

function RulesForm({ refOf, rules }: { refOf: DepartmentRef; rules: BookingRules }) {
  const { t } = useTranslation('offer');
  const say = useSay();
  const fields = useFieldErrors(RULE_FIELDS);
  const [draft, setDraft] = useState(
    () =>
      ({
        ...Object.fromEntries(RULE_FIELDS.map((f) => [f, rules[f] === null ? '' : String(rules[f])])),
        clerksManageAbsences: rules.clerksManageAbsences,
      }) as Record<RuleField, string> & { clerksManageAbsences: boolean },
  );
  const [failure, setFailure] = useState<Message | null>(null);
  const [saved, setSaved] = useState(false);
  // The rules as last saved (or loaded): changed otherwise, leaving the page asks first.
  const [savedDraft, setSavedDraft] = useState(draft);
  const unsavedRules = JSON.stringify(draft) !== JSON.stringify(savedDraft);
  useLeaveGuard(unsavedRules);
  const restored = useKeptDraft('rules', unsavedRules, draft, setDraft);
  const refusal = useRefusal();
  const summaryRef = useRef<HTMLDivElement>(null);
  const messageFor = (field: RuleField): Message => message((tr) => tr(`offer:rules.errors.${field}`));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    refusal.clear();
    const number = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));
    const input = {
      horizonDays: number(draft.horizonDays),
      leadMinutes: number(draft.leadMinutes),
      sameDayReleaseTime: draft.sameDayReleaseTime.trim() === '' ? null : draft.sameDayReleaseTime.trim(),
      joinOpensMinutesBefore: number(draft.joinOpensMinutesBefore),
      noShowGraceMinutes: number(draft.noShowGraceMinutes),
      maxPersonsPerBooking: number(draft.maxPersonsPerBooking),
      clerksManageAbsences: draft.clerksManageAbsences,
    };
    const parsed = safeParse(BookingRulesSchema, input);
    if (!parsed.success) {
      const errors: FieldErrors<RuleField> = {};
      for (const issue of parsed.error.issues) {
        const field = fields.fieldAt(issue.path.map(String).join('.'));
        if (field && !errors[field]) errors[field] = messageFor(field);
      }
      fields.setErrors(errors);
      setFailure(null);
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const sent = draft;
    try {
      await saveBookingRules(refOf, parsed.data);
      setSavedDraft(sent);
      fields.setErrors({});
      setFailure(null);
      setSaved(true);
    } catch (error) {
      const problem = toApiError(error);
      if (refusal.refused(problem)) {
        fields.setErrors({});
        setFailure(null);
        return;
      }
      const errors = fields.fromServer(problem, messageFor);
      fields.setErrors(errors);
      setFailure(Object.keys(errors).length > 0 ? null : problemMessage(problem));
      requestAnimationFrame(() => summaryRef.current?.focus());
    }
  };

  const numberField = (field: RuleField, hint?: string) => (
    <Field key={field} fields={fields} field={field} label={t(`rules.${field}`)} hint={hint}>
      {(control) => (
        <input
          type={field === 'sameDayReleaseTime' ? 'time' : 'number'}
          inputMode={field === 'sameDayReleaseTime' ? undefined : 'numeric'}
          className="input--narrow"
          {...control}
          value={draft[field]}
          onChange={(e) => setDraft((d) => ({ ...d, [field]: e.target.value }))}
        />
      )}
    </Field>
  );

  return (
    <form noValidate onSubmit={(e) => void submit(e)} data-testid="rules-form">
      {restored}
      {refusal.notice}
      <ErrorSummary
        ref={summaryRef}
        fields={fields}
        failure={failure}
        failureTestId="rules-failure"
        title={t('service.problems')}
        titleElement="h3"
      />
      {numberField('horizonDays')}
      {numberField('leadMinutes')}
      {numberField('sameDayReleaseTime', t('rules.sameDayReleaseTimeHint'))}
      {numberField('joinOpensMinutesBefore')}
      {numberField('noShowGraceMinutes')}
      {numberField('maxPersonsPerBooking')}
      <div className="field">
        <label className="choice">
          <input
            type="checkbox"
            checked={draft.clerksManageAbsences}
            onChange={(e) => setDraft((d) => ({ ...d, clerksManageAbsences: e.target.checked }))}
          />
          {t('rules.clerksManageAbsences')}
        </label>
      </div>
      <div className="button-row">
        <button type="submit" className="button">
          {t('rules.save')}
        </button>
      </div>
      {saved && (
        <p className="notice" role="status">
          {t('rules.saved')}
        </p>
      )}
      {failure && <p className="visually-hidden">{say(failure)}</p>}
    </form>
  );
}
