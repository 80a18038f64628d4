import { type ConsoleSnapshot, type StaffAppointment, type StaffAppointmentsResponse } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError, type ApiError } from '../../lib/api';
import { dateOf, shiftDate, todayIn } from '../../lib/calendar';
import { message, problemMessage, useSay, type Message } from '../../lib/message';
import { formatCivilDate, formatClock } from '../../ui/format';
import { useLanguageLabel } from '../../ui/LanguageOptions';
import { ZoneNote } from '../../ui/ZoneNote';
import { learnServerTime, slotWords, useSlotName } from '../appointments';
import { appointmentActions, useStaffAppointments } from './api';
import { AppointmentRow } from './AppointmentRow';
import { CallerBooking } from './CallerBooking';
import { MoveAppointment } from './MoveAppointment';
import { NoteDialog } from './NoteDialog';
import { useMinuteClock } from './useMinuteClock';
import './console.css';

export interface AppointmentsPanelProps {
  /**
   * The console's live snapshot: names the department, and each new snapshot (a knock, an
   * arrival, an admit) reloads the day's appointments.
   */
  snapshot: ConsoleSnapshot;
  /** Extra buttons in each appointment's row (e.g. inviting an interpreter). */
  renderActions?: (appointment: StaffAppointment) => ReactNode;
  /**
   * Buttons beside the message that an appointment was just booked for a caller (e.g. checking a
   * person at the counter in at once); `done` takes the message's buttons away.
   */
  renderBookedActions?: (appointment: StaffAppointment, done: () => void) => ReactNode;
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
export function AppointmentsPanel({ snapshot, renderActions, renderBookedActions }: AppointmentsPanelProps) {
  const { t, i18n } = useTranslation('console');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  const { department } = snapshot;
  const { timeZone } = department;
  const when = useSlotName(timeZone);
  const id = useId();
  const now = useMinuteClock();
  const today = todayIn(timeZone, new Date(now));
  const [date, setDate] = useState(today);
  // A console stays open overnight: at midnight the day shown moves on with "today" (it stayed on
  // yesterday, still called "Heute"), unless the clerk is looking at another day.
  const [shownToday, setShownToday] = useState(today);
  if (shownToday !== today) {
    setShownToday(today);
    if (date === shownToday) setDate(today);
  }
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: Message } | null>(null);
  // The appointment just booked, with the notice saying so: its actions last as long as that notice.
  const [justBooked, setJustBooked] = useState<{ appointment: StaffAppointment; notice: object } | null>(null);
  const bookedActionsRef = useRef<HTMLDivElement>(null);
  const sayNow = useSay();
  // "Englisch" in the console's language (the language list names each in its own).
  const languageLabel = useLanguageLabel();
  const [cancelling, setCancelling] = useState<StaffAppointment | null>(null);
  // A no-show cannot be undone (the join link stops working): one more click to confirm.
  const [confirmingNoShow, setConfirmingNoShow] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Once the booking form is gone: the next step, when there is one (e.g. "Jetzt einreihen"),
  // else the panel's heading.
  useEffect(() => {
    if (justBooked) (bookedActionsRef.current?.querySelector<HTMLElement>('button') ?? headingRef.current)?.focus();
  }, [justBooked]);
  const openerRef = useRef<HTMLElement | null>(null);

  const state = useStaffAppointments(department.id, date, String(snapshotId(snapshot)), learnServerTime);
  const data: StaffAppointmentsResponse | null =
    state.status === 'success' ? state.data : state.previous?.date === date ? state.previous : null;

  const { reload } = state;
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
  const say = (kind: 'success' | 'warning', text: Message) => {
    setNotice({ kind, text });
  };
  const explain = (error: ApiError) => sayNow(problemMessage(error));
  /** A refusal in words; a no-show pressed too early says from when it can be marked (its `opensAt`). */
  const refusal = (error: ApiError): Message => {
    const from = error.code === 'no_show_too_early' ? error.extras.opensAt : undefined;
    return from
      ? message((tr, locale) =>
          tr('console:appointments.noShowTooEarly', { slot: slotWords(tr, locale, timeZone, from) }),
        )
      : problemMessage(error);
  };
  /** True when `action` succeeded. */
  const run = async (action: () => Promise<unknown>, success: Message): Promise<boolean> => {
    setNotice(null);
    try {
      await action();
      say('success', success);
      return true;
    } catch (error) {
      say('warning', refusal(toApiError(error)));
      return false;
    } finally {
      reload();
    }
  };
  /** Like `run`, for a dialog: what went wrong goes back to it, which stays open with the note. */
  const attempt = async (action: () => Promise<unknown>, success: Message): Promise<Message | null> => {
    setNotice(null);
    try {
      await action();
      say('success', success);
      return null;
    } catch (error) {
      return problemMessage(toApiError(error));
    } finally {
      reload();
    }
  };

  const waiting = new Set(snapshot.queue.map((entry) => entry.id));
  const inCall = new Set(snapshot.active.map((entry) => entry.id));
  const clock = (iso: string) => formatClock(new Date(iso), locale, timeZone);

  const stateLabel = (appointment: StaffAppointment): { text: string; className: string } => {
    if (appointment.state === 'arrived' && appointment.visitId && waiting.has(appointment.visitId))
      return { text: t('appointments.state.arrivedWaiting'), className: 'badge badge--arrived' };
    if (appointment.state === 'arrived' && appointment.visitId && inCall.has(appointment.visitId))
      return { text: t('appointments.state.inCall'), className: 'badge badge--call' };
    return { text: t(`appointments.state.${appointment.state}`), className: `badge badge--${appointment.state}` };
  };

  return (
    <section aria-labelledby={`${id}-heading`} className="panel appointments-panel" data-testid="appointments-panel">
      <h2 id={`${id}-heading`} ref={headingRef} tabIndex={-1}>
        {t('appointments.heading')}
      </h2>

      <div className="date-switcher" role="group" aria-label={t('appointments.dateGroup')}>
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            setDate(shiftDate(date, -1));
          }}
        >
          {t('appointments.previousDay')}
        </button>
        <label htmlFor={`${id}-date`} className="visually-hidden">
          {t('appointments.date')}
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
          {t('appointments.nextDay')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          aria-disabled={date === today || undefined}
          onClick={() => {
            setDate(today);
          }}
        >
          {t('appointments.today')}
        </button>
      </div>
      <p className="appointments-panel__day" aria-live="polite" data-testid="appointments-day">
        {date === today
          ? t('appointments.dayToday', { date: formatCivilDate(date, locale) })
          : formatCivilDate(date, locale)}
      </p>
      <ZoneNote timeZone={timeZone} />

      <div aria-live="polite">
        {notice && (
          <p
            className={`notice ${notice.kind === 'success' ? 'notice--success' : 'notice--warning'}`}
            data-testid="appointments-message"
          >
            {sayNow(notice.text)}
          </p>
        )}
      </div>
      {justBooked && justBooked.notice === notice && renderBookedActions && (
        <div ref={bookedActionsRef} className="button-row" data-testid="booked-actions">
          {renderBookedActions(justBooked.appointment, () => {
            setJustBooked(null);
          })}
        </div>
      )}

      {state.status === 'error' && (
        <div className="notice notice--warning" role="alert">
          <p>{explain(state.error)}</p>
          <button type="button" className="button button--small" onClick={reload}>
            {t('appointments.reload')}
          </button>
        </div>
      )}

      {!data && state.status === 'loading' && <p role="status">{t('appointments.loading')}</p>}

      {data && data.appointments.length === 0 && <p data-testid="appointments-empty">{t('appointments.empty')}</p>}

      {data && data.appointments.length > 0 && (
        <>
          {/* Above the region, as the queue's: a caption is as wide as its table (56rem), and at
              320 px "Termine am Samstag, 5. D" ran off the right edge until the table was scrolled. */}
          <p id={`${id}-caption`} className="queue-caption">
            {t('appointments.caption', { date: formatCivilDate(data.date, locale) })}
          </p>
          <div className="table-scroll" role="region" aria-labelledby={`${id}-caption`} tabIndex={0}>
            <table
              className="queue-table appointments-table"
              data-testid="appointments"
              aria-labelledby={`${id}-caption`}
            >
              <thead>
                <tr>
                  <th scope="col">{t('appointments.colTime')}</th>
                  <th scope="col">{t('appointments.colName')}</th>
                  <th scope="col">{t('appointments.colServices')}</th>
                  <th scope="col">{t('appointments.colPersons')}</th>
                  <th scope="col">{t('appointments.colLanguage')}</th>
                  <th scope="col">{t('appointments.colConcern')}</th>
                  <th scope="col">{t('appointments.colState')}</th>
                  <th scope="col">{t('appointments.colActions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.appointments.map((appointment) => (
                  <AppointmentRow
                    key={appointment.id}
                    appointment={appointment}
                    label={stateLabel(appointment)}
                    noShowOpen={now >= new Date(appointment.noShowFrom).getTime()}
                    confirmingNoShow={confirmingNoShow === appointment.id}
                    clock={clock}
                    idPrefix={id}
                    extra={renderActions?.(appointment)}
                    onMove={() => {
                      remember();
                      setNotice(null);
                      setPanel({ kind: 'move', appointment });
                    }}
                    onCancel={() => {
                      setCancelling(appointment);
                    }}
                    onAskNoShow={() => {
                      setConfirmingNoShow(appointment.id);
                    }}
                    onConfirmNoShow={() => {
                      setConfirmingNoShow(null);
                      void run(
                        () => appointmentActions.noShow(department.id, appointment.id),
                        message((tr) => tr('console:appointments.noShowDone', { name: appointment.name })),
                      ).then((marked) => {
                        // The row's buttons go with its marking: the focus to the panel's heading.
                        // Refused, the row keeps them, and the focus stays on its "no-show" button.
                        if (marked) headingRef.current?.focus();
                      });
                    }}
                    onAbortNoShow={() => {
                      setConfirmingNoShow(null);
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {panel.kind === 'none' && (
        <p>
          <button
            type="button"
            className="button"
            onClick={() => {
              remember();
              setNotice(null);
              setPanel({ kind: 'book' });
            }}
          >
            {t('appointments.bookForCaller')}
          </button>
        </p>
      )}

      {panel.kind === 'move' && (
        <MoveAppointment
          appointment={panel.appointment}
          department={department}
          onClose={() => {
            setPanel({ kind: 'none' });
            restoreFocus();
          }}
          onMoved={(startsAt) => {
            const { name } = panel.appointment;
            say(
              'success',
              message((tr, locale) =>
                tr('console:appointments.moved', { name, slot: slotWords(tr, locale, timeZone, startsAt) }),
              ),
            );
            setPanel({ kind: 'none' });
            setDate(dateOf(new Date(startsAt), timeZone));
            reload();
            restoreFocus();
          }}
        />
      )}

      {panel.kind === 'book' && (
        <CallerBooking
          department={department}
          onClose={() => {
            setPanel({ kind: 'none' });
            restoreFocus();
          }}
          onBooked={(draft, appointment) => {
            const booked = {
              kind: 'success' as const,
              text: message((tr, locale) =>
                tr('console:appointments.booked', {
                  name: draft.name,
                  slot: slotWords(tr, locale, timeZone, draft.startsAt),
                }),
              ),
            };
            setNotice(booked);
            setJustBooked({ appointment, notice: booked });
            setPanel({ kind: 'none' });
            setDate(dateOf(new Date(draft.startsAt), timeZone));
            reload();
          }}
        />
      )}

      {cancelling && (
        <NoteDialog
          title={t('appointments.cancelTitle', { name: cancelling.name })}
          noteLabel={t('appointments.cancelNote')}
          noteHint={
            cancelling.email
              ? t('appointments.cancelNoteHint', { language: languageLabel(cancelling.mailLocale) })
              : t('appointments.cancelNoteHintNoEmail')
          }
          confirmLabel={t('appointments.cancelConfirm')}
          abortLabel={t('appointments.cancelAbort')}
          fallbackFocus={headingRef}
          onClose={() => {
            setCancelling(null);
          }}
          onConfirm={(note) =>
            attempt(
              () => appointmentActions.cancel(department.id, cancelling.id, note),
              message((tr) => tr('console:appointments.cancelled', { name: cancelling.name })),
            )
          }
        >
          <p>{when(cancelling.startsAt)}</p>
        </NoteDialog>
      )}
    </section>
  );
}
