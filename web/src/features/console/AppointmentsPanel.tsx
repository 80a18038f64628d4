import {
  BookingInfoSchema,
  type ConsoleSnapshot,
  type StaffAppointment,
  type StaffAppointmentsResponse,
} from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../app/api';
import { useApi } from '../../app/useApi';
import { bookingInfoPath, fetchStaffAppointments, staffActions } from '../booking/api';
import { ServiceNames } from '../booking/AppointmentFacts';
import { BookingFlow, type BookingDraft, type BookingStep } from '../booking/BookingFlow';
import { SlotPicker } from '../booking/SlotPicker';
import { dateOf, shiftDate, todayIn } from '../booking/time';
import { useLoad } from '../booking/useLoad';
import { useSlotName } from '../booking/useSlotName';
import { formatCivilDate, formatClock } from '../directory/format';
import { ZoneNote } from '../directory/ZoneNote';
import { useLanguageName } from '../knock/LanguageOptions';
import { NoteDialog } from './NoteDialog';
import { useMinuteClock } from './useMinuteClock';
import '../booking/booking.css';

export interface AppointmentsPanelProps {
  /**
   * The console's live snapshot: names the department, and each new snapshot (a knock, an
   * arrival, an admit) reloads the day's appointments.
   */
  snapshot: ConsoleSnapshot;
  /** Extra buttons in each appointment's row (e.g. inviting an interpreter). */
  renderActions?: (appointment: StaffAppointment) => ReactNode;
}

// Each snapshot object gets a number, so "the snapshot changed" can be part of the load key.
const snapshotIds = new WeakMap<object, number>();
let nextSnapshotId = 0;
function snapshotId(snapshot: object): number {
  let found = snapshotIds.get(snapshot);
  if (found === undefined) {
    found = ++nextSnapshotId;
    snapshotIds.set(snapshot, found);
  }
  return found;
}

type Panel = { kind: 'none' } | { kind: 'book' } | { kind: 'move'; appointment: StaffAppointment };

/** Today's (or another day's) appointments of a department beside the walk-in queue (issue 6). */
export function AppointmentsPanel({ snapshot, renderActions }: AppointmentsPanelProps) {
  const { t, i18n } = useTranslation('booking');
  const { t: tErrors } = useTranslation('errors');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const languageName = useLanguageName();
  const { department } = snapshot;
  const { timeZone } = department;
  const when = useSlotName(timeZone);
  const id = useId();
  const now = useMinuteClock();
  const [today] = useState(() => todayIn(timeZone));
  const [date, setDate] = useState(today);
  const [version, setVersion] = useState(0);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [message, setMessage] = useState<{ kind: 'success' | 'warning'; text: string } | null>(null);
  const [cancelling, setCancelling] = useState<StaffAppointment | null>(null);
  // A no-show cannot be undone (the join link stops working): one more click to confirm.
  const [confirmingNoShow, setConfirmingNoShow] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const openerRef = useRef<HTMLElement | null>(null);

  const state = useLoad(`${department.id}:${date}:${String(version)}:${String(snapshotId(snapshot))}`, (signal) =>
    fetchStaffAppointments(department.id, date, signal),
  );
  const data: StaffAppointmentsResponse | null =
    state.status === 'success' ? state.data : state.previous?.date === date ? state.previous : null;

  const reload = () => {
    setVersion((n) => n + 1);
  };
  const remember = () => {
    openerRef.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  };
  const restoreFocus = () => {
    window.setTimeout(() => {
      const opener = openerRef.current;
      if (opener?.isConnected) opener.focus();
      else headingRef.current?.focus();
    }, 0);
  };
  const say = (kind: 'success' | 'warning', text: string) => {
    setMessage({ kind, text });
  };
  const explain = (error: ApiError) => tErrors(`codes.${error.code}`);
  const run = async (action: () => Promise<unknown>, success: string) => {
    setMessage(null);
    try {
      await action();
      say('success', success);
    } catch (error) {
      say('warning', explain(toApiError(error)));
    } finally {
      reload();
    }
  };

  const waiting = new Set(snapshot.queue.map((entry) => entry.id));
  const inCall = new Set(snapshot.active.map((entry) => entry.id));
  const clock = (iso: string) => formatClock(new Date(iso), locale, timeZone);

  const stateLabel = (appointment: StaffAppointment): { text: string; className: string } => {
    if (appointment.state === 'arrived' && appointment.visitId && waiting.has(appointment.visitId))
      return { text: t('staff.state.arrivedWaiting'), className: 'badge badge--arrived' };
    if (appointment.state === 'arrived' && appointment.visitId && inCall.has(appointment.visitId))
      return { text: t('staff.state.inCall'), className: 'badge badge--call' };
    return { text: t(`staff.state.${appointment.state}`), className: `badge badge--${appointment.state}` };
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel appointments-panel" data-testid="appointments-panel">
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {t('staff.heading')}
      </h2>

      <div className="date-switcher" role="group" aria-label={t('staff.dateGroup')}>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            setDate(shiftDate(date, -1));
          }}
        >
          {t('staff.previousDay')}
        </button>
        <label htmlFor={`${id}-date`} className="visually-hidden">
          {t('staff.date')}
        </label>
        <input
          id={`${id}-date`}
          type="date"
          className="date-switcher__input"
          value={date}
          onChange={(event) => {
            if (/^\d{4}-\d{2}-\d{2}$/.test(event.target.value)) setDate(event.target.value);
          }}
        />
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            setDate(shiftDate(date, 1));
          }}
        >
          {t('staff.nextDay')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          aria-disabled={date === today || undefined}
          onClick={() => {
            setDate(today);
          }}
        >
          {t('staff.today')}
        </button>
      </div>
      <p className="appointments-panel__day" aria-live="polite" data-testid="appointments-day">
        {date === today ? t('staff.dayToday', { date: formatCivilDate(date, locale) }) : formatCivilDate(date, locale)}
      </p>
      <ZoneNote timeZone={timeZone} />

      <div aria-live="polite">
        {message && (
          <p
            className={`notice ${message.kind === 'success' ? 'notice--success' : 'notice--warning'}`}
            data-testid="appointments-message"
          >
            {message.text}
          </p>
        )}
      </div>

      {state.status === 'error' && (
        <div className="notice notice--warning" role="alert">
          <p>{explain(state.error)}</p>
          <button type="button" className="button button--small" onClick={reload}>
            {t('staff.reload')}
          </button>
        </div>
      )}

      {!data && state.status === 'loading' && <p role="status">{t('staff.loading')}</p>}

      {data && data.appointments.length === 0 && <p data-testid="appointments-empty">{t('staff.empty')}</p>}

      {data && data.appointments.length > 0 && (
        <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
          <table className="queue-table appointments-table" data-testid="appointments">
            <caption id={`${id}-caption`}>{t('staff.caption', { date: formatCivilDate(data.date, locale) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('staff.colTime')}</th>
                <th scope="col">{t('staff.colName')}</th>
                <th scope="col">{t('staff.colServices')}</th>
                <th scope="col">{t('staff.colPersons')}</th>
                <th scope="col">{t('staff.colLanguage')}</th>
                <th scope="col">{t('staff.colConcern')}</th>
                <th scope="col">{t('staff.colState')}</th>
                <th scope="col">{t('staff.colActions')}</th>
              </tr>
            </thead>
            <tbody>
              {data.appointments.map((appointment) => {
                const label = stateLabel(appointment);
                const noShowOpen = now >= new Date(appointment.noShowFrom).getTime();
                const open = appointment.state === 'booked';
                const extra = renderActions?.(appointment);
                return (
                  <tr
                    key={appointment.id}
                    data-testid={`appointment-${appointment.id}`}
                    data-state={appointment.state}
                    className={appointment.state === 'cancelled' ? 'is-cancelled' : undefined}
                  >
                    <td>
                      {clock(appointment.startsAt)}–{clock(appointment.endsAt)}
                    </td>
                    <th scope="row">
                      {appointment.name}
                      {(appointment.phone ?? appointment.email) && (
                        <span className="appointments-table__contact">
                          {[appointment.phone, appointment.email].filter(Boolean).join(' · ')}
                        </span>
                      )}
                      <span className="appointments-table__contact">
                        {t('staff.withClerk', { clerk: appointment.clerk.name })}
                      </span>
                    </th>
                    <td>
                      <ServiceNames services={appointment.services} />
                    </td>
                    <td>{appointment.persons}</td>
                    <td>
                      <span lang={appointment.language}>{languageName(appointment.language)}</span>
                      {appointment.interpreterLanguage && (
                        <span className="appointments-table__contact">
                          {t('staff.interpreter', { language: languageName(appointment.interpreterLanguage) })}
                        </span>
                      )}
                    </td>
                    <td className="appointments-table__concern">{appointment.concern ?? '–'}</td>
                    <td>
                      <span className={label.className} data-testid="appointment-state">
                        {label.text}
                      </span>
                    </td>
                    <td>
                      <div className="button-row">
                        {open && (
                          <>
                            <button
                              type="button"
                              className="button button--small"
                              aria-label={t('staff.moveFor', { name: appointment.name })}
                              onClick={() => {
                                remember();
                                setMessage(null);
                                setPanel({ kind: 'move', appointment });
                              }}
                            >
                              {t('staff.move')}
                            </button>
                            <button
                              type="button"
                              className="button button--small"
                              aria-label={t('staff.cancelFor', { name: appointment.name })}
                              onClick={() => {
                                setCancelling(appointment);
                              }}
                            >
                              {t('staff.cancel')}
                            </button>
                            {confirmingNoShow === appointment.id ? (
                              <span role="group" aria-label={t('staff.noShowConfirm', { name: appointment.name })}>
                                <span className="appointments-table__confirm">
                                  {t('staff.noShowConfirm', { name: appointment.name })}
                                </span>{' '}
                                <button
                                  type="button"
                                  className="button button--small button--danger"
                                  autoFocus
                                  onClick={() => {
                                    setConfirmingNoShow(null);
                                    void run(
                                      () => staffActions.noShow(department.id, appointment.id),
                                      t('staff.noShowDone', { name: appointment.name }),
                                    );
                                  }}
                                >
                                  {t('staff.noShowYes')}
                                </button>{' '}
                                <button
                                  type="button"
                                  className="button button--small"
                                  onClick={() => {
                                    setConfirmingNoShow(null);
                                  }}
                                >
                                  {t('staff.noShowNo')}
                                </button>
                              </span>
                            ) : (
                              <button
                                type="button"
                                className="button button--small"
                                aria-label={t('staff.noShowFor', { name: appointment.name })}
                                aria-disabled={!noShowOpen || undefined}
                                aria-describedby={noShowOpen ? undefined : `${id}-${appointment.id}-noshow`}
                                onClick={() => {
                                  if (noShowOpen) setConfirmingNoShow(appointment.id);
                                }}
                              >
                                {t('staff.noShow')}
                              </button>
                            )}
                          </>
                        )}
                        {extra}
                      </div>
                      {open && !noShowOpen && (
                        <p id={`${id}-${appointment.id}-noshow`} className="field__hint">
                          {t('staff.noShowFrom', { time: clock(appointment.noShowFrom) })}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}

      {panel.kind === 'none' && (
        <p>
          <button
            type="button"
            className="button"
            onClick={() => {
              remember();
              setMessage(null);
              setPanel({ kind: 'book' });
            }}
          >
            {t('staff.bookForCaller')}
          </button>
        </p>
      )}

      {panel.kind === 'move' && (
        <MoveSection
          appointment={panel.appointment}
          snapshot={snapshot}
          onClose={() => {
            setPanel({ kind: 'none' });
            restoreFocus();
          }}
          onMoved={(startsAt) => {
            say('success', t('staff.moved', { name: panel.appointment.name, slot: when(startsAt) }));
            setPanel({ kind: 'none' });
            setDate(dateOf(new Date(startsAt), timeZone));
            reload();
            restoreFocus();
          }}
        />
      )}

      {panel.kind === 'book' && (
        <CallerBooking
          snapshot={snapshot}
          onClose={() => {
            setPanel({ kind: 'none' });
            restoreFocus();
          }}
          onBooked={(draft) => {
            say('success', t('staff.booked', { name: draft.name, slot: when(draft.startsAt) }));
            setPanel({ kind: 'none' });
            setDate(dateOf(new Date(draft.startsAt), timeZone));
            reload();
            window.setTimeout(() => headingRef.current?.focus(), 0);
          }}
        />
      )}

      {cancelling && (
        <NoteDialog
          title={t('staff.cancelTitle', { name: cancelling.name })}
          noteLabel={t('staff.cancelNote')}
          noteHint={cancelling.email ? t('staff.cancelNoteHint') : t('staff.cancelNoteHintNoEmail')}
          confirmLabel={t('staff.cancelConfirm')}
          abortLabel={t('staff.cancelAbort')}
          fallbackFocus={headingRef}
          onClose={() => {
            setCancelling(null);
          }}
          onConfirm={(note) =>
            run(
              () => staffActions.cancel(department.id, cancelling.id, note),
              t('staff.cancelled', { name: cancelling.name }),
            )
          }
        >
          <p>{when(cancelling.startsAt)}</p>
        </NoteDialog>
      )}
    </section>
  );
}

function MoveSection({
  appointment,
  snapshot,
  onClose,
  onMoved,
}: {
  appointment: StaffAppointment;
  snapshot: ConsoleSnapshot;
  onClose: () => void;
  onMoved: (startsAt: string) => void;
}) {
  const { t } = useTranslation('booking');
  const { t: tErrors } = useTranslation('errors');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { department } = snapshot;

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  return (
    <section className="appointments-panel__section" aria-labelledby={`move-${appointment.id}`} data-testid="move">
      <h3 id={`move-${appointment.id}`} ref={headingRef} tabIndex={-1}>
        {t('staff.moveHeading', { name: appointment.name })}
      </h3>
      {error && (
        <p role="alert" className="notice notice--warning">
          {error}
        </p>
      )}
      <SlotPicker
        tenantSlug={department.tenantSlug}
        departmentSlug={department.slug}
        timeZone={department.timeZone}
        services={appointment.services.map((service) => service.slug)}
        persons={appointment.persons}
        chosen={appointment.startsAt}
        headingLevel={4}
        busy={busy}
        onChoose={(slot) => {
          setBusy(true);
          setError(null);
          staffActions.move(department.id, appointment.id, slot.startsAt).then(
            () => {
              onMoved(slot.startsAt);
            },
            (caught: unknown) => {
              setBusy(false);
              setError(tErrors(`codes.${toApiError(caught).code}`));
            },
          );
        }}
      />
      <p>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('staff.close')}
        </button>
      </p>
    </section>
  );
}

function CallerBooking({
  snapshot,
  onClose,
  onBooked,
}: {
  snapshot: ConsoleSnapshot;
  onClose: () => void;
  onBooked: (draft: BookingDraft) => void;
}) {
  const { t } = useTranslation('booking');
  const { t: tErrors } = useTranslation('errors');
  const { department } = snapshot;
  const info = useApi(bookingInfoPath(department.tenantSlug, department.slug), BookingInfoSchema);
  const [step, setStep] = useState<BookingStep>('services');
  const sectionRef = useRef<HTMLElement>(null);

  useEffect(() => {
    sectionRef.current?.querySelector<HTMLElement>('h3')?.focus();
  }, [info.status]);

  return (
    <section
      ref={sectionRef}
      className="appointments-panel__section"
      aria-label={t('staff.bookHeading')}
      data-testid="caller-booking"
    >
      {info.status === 'loading' && <p role="status">{t('staff.loading')}</p>}
      {info.status === 'error' && (
        <p role="alert" className="notice notice--warning">
          {tErrors(`codes.${info.error.code}`)}
        </p>
      )}
      {info.status === 'success' &&
        (info.data.services.length === 0 ? (
          <p>{t('page.noServices')}</p>
        ) : (
          <BookingFlow
            info={info.data}
            mode="staff"
            headingLevel={3}
            step={step}
            onStep={setStep}
            onSubmit={async (draft) => {
              await staffActions.book(department.id, draft);
              onBooked(draft);
            }}
          />
        ))}
      <p>
        <button type="button" className="button button--secondary" onClick={onClose}>
          {t('staff.close')}
        </button>
      </p>
    </section>
  );
}
