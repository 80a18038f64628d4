import { pagePath, SlotSchema, type CitizenAppointment, type Slot } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from '../../lib/router';
import { toApiError, type ApiError } from '../../lib/api';
import { dateOf, todayIn } from '../../lib/calendar';
import { getLiveClient } from '../../lib/live-client';
import { message, problemMessage, useSay, type Message, type Translate } from '../../lib/message';
import { DocumentList } from '../../ui/DocumentList';
import { ErrorPage } from '../../ui/ErrorPage';
import { formatClock, formatLongDate } from '../../ui/format';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { AlternativeSlots } from './AlternativeSlots';
import { arrive, cancelAppointment, manage as loadAppointment, rebook, useAppointment } from './api';
import { AppointmentFacts, Fact } from './AppointmentFacts';
import { LazySlotPicker, usePreloadedSlotPicker } from './LazySlotPicker';
import { OnsiteInfo } from './OnsiteInfo';
import { useFragmentToken } from './useFragmentToken';
import { serverNow } from './server-clock';
import { useReached } from './useReached';
import { slotWords, useSlotName } from './useSlotName';
import { useFooterTenant } from '../legal';

/** `/termin#<token>`: the citizen's own appointment from the e-mail link: see, rebook, cancel, join. */
export function ManagePage() {
  const token = useFragmentToken('manage');
  if (token.status !== 'present') return <AppointmentNotFound />;
  return <ManageLoader token={token.token} />;
}

/** The same page for a missing, malformed, unknown or someone else's link: it reveals nothing. */
export function AppointmentNotFound() {
  const { t } = useTranslation('appointments');
  return (
    <div data-testid="appointment-not-found">
      <PageHeading title={t('notFound.title')} />
      <p className="lead">{t('notFound.text')}</p>
      <p>{t('notFound.hint')}</p>
      <p>
        <Link to={pagePath('home')}>{t('notFound.home')}</Link>
      </p>
    </div>
  );
}

function ManageLoader({ token }: { token: string }) {
  const state = useAppointment(token);
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'error') {
    if (state.error.code === 'appointment_not_found' || state.error.code === 'validation_failed')
      return <AppointmentNotFound />;
    return <ErrorPage error={state.error} retry={state.reload} />;
  }
  return <Manage token={token} loaded={state.data} />;
}

/** "am Montag, 23. November 2026 um 10:20 Uhr", or "um 10:20 Uhr" when that is today. */
function opensWords(t: Translate, locale: string, opensAt: Date, timeZone: string): string {
  const time = formatClock(opensAt, locale, timeZone);
  return dateOf(opensAt, timeZone) === todayIn(timeZone, new Date(serverNow()))
    ? t('appointments:join.opensToday', { time })
    : t('appointments:join.opensOn', { date: formatLongDate(opensAt, locale, timeZone), time });
}

/** "Der Warteraum öffnet …" for a join tried too early, worded when shown. */
export function notYetMessage(opensAt: Date, timeZone: string): Message {
  return message((t, locale) => t('appointments:join.notYet', { opens: opensWords(t, locale, opensAt, timeZone) }));
}

/** `opensWords` in the interface language of this render. */
export function useOpensText(): (opensAt: Date, timeZone: string) => string {
  const say = useSay();
  return (opensAt, timeZone) => say(message((t, locale) => opensWords(t, locale, opensAt, timeZone)));
}

/** `review`: a new time is chosen, old and new shown side by side; nothing moves before its button. */
type Mode = 'view' | 'confirmCancel' | 'rebook' | 'review';
const STEPS: readonly Mode[] = ['confirmCancel', 'rebook', 'review'];

/**
 * The step of a move or a cancel is a history entry of its own, so the browser's Back steps back on
 * this page (review → times → the appointment) instead of leaving it mid-way. The entries' address
 * is the page's, without the token (useFragmentToken); the review's keeps the time under review.
 * Each keeps the appointment's time and state when the step began (`of`): once it was moved or is
 * no longer booked, the entries of that step are stale. The browser keeps them for its Forward,
 * which would bring back the finished move's review and ask for the time now held; a stale entry
 * shows the appointment and steps back, until the one the step began from.
 */
function stepOf(state: unknown, of: string): { mode: Mode; chosen: Slot | null; stale: boolean } {
  const entry = (state ?? {}) as { manage?: unknown; chosen?: unknown; of?: unknown };
  const kept = SlotSchema.safeParse(entry.chosen);
  const chosen = kept.success ? kept.data : null;
  const step = STEPS.find((mode) => mode === entry.manage);
  const stale = !!step && entry.of !== of;
  const mode = (!stale && step) || 'view';
  return { mode: mode === 'review' && !chosen ? 'rebook' : mode, chosen, stale };
}

function Manage({ token, loaded }: { token: string; loaded: CitizenAppointment }) {
  const { t } = useTranslation('appointments');
  const navigate = useNavigate();
  const location = useLocation();
  const id = useId();
  const opensText = useOpensText();
  const [appointment, setAppointment] = useState(loaded);
  useFooterTenant(appointment.tenantSlug);
  /** The step, and at the review the new time under review (kept by its entry through a reload). */
  const of = appointment.startsAt + appointment.state;
  const { mode, chosen: reviewed, stale } = stepOf(location.state, of);
  // Reached by Forward (or a reload) only: the page's own steps leave a finished one by going back.
  // And the steps' entries keep no scroll position of their own: the browser put it back after
  // the page had moved the focus (to the message of a finished move, say), and hid that far above.
  useEffect(() => {
    history.scrollRestoration = 'manual';
    if (stale) navigate(-1);
    // Once per entry reached, not again when the appointment changes under the entry shown.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [location]);
  /** A message, shown at the step it was said for (`at`: one the page goes back to with it). */
  const [notice, setNotice] = useState<{ kind: 'success' | 'warning'; text: Message; n: number; at: Mode } | null>(
    null,
  );
  const shownNotice = notice?.at === mode ? notice : null;
  const say = useSay();
  const [alternatives, setAlternatives] = useState<Slot[]>([]);
  /** The new time last chosen for a move: marked in the picker when going back from its review. */
  const [chosen, setChosen] = useState<Slot | null>(null);
  const [busy, setBusy] = useState(false);
  const messageRef = useRef<HTMLParagraphElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const rebookRef = useRef<HTMLHeadingElement>(null);
  const reviewRef = useRef<HTMLHeadingElement>(null);
  const cancelButtonRef = useRef<HTMLButtonElement>(null);
  const rebookButtonRef = useRef<HTMLButtonElement>(null);

  const joinOpen = useReached(appointment.joinOpensAt);
  const over = useReached(appointment.endsAt);
  const { timeZone } = appointment;
  const slotText = useSlotName(timeZone);
  const bookAgain = pagePath('booking', { tenant: appointment.tenantSlug, department: appointment.departmentSlug });

  usePreloadedSlotPicker();
  // A new message is read first, once it is rendered, also when the step changed with it (a time
  // taken during the review goes back to the picker with a warning). Otherwise a step's heading;
  // back at the appointment, the button the step was opened with.
  const shownMode = useRef(mode);
  useEffect(() => {
    const was = shownMode.current;
    shownMode.current = mode;
    if (shownNotice) messageRef.current?.focus();
    else if (mode !== was)
      ({
        view: was === 'confirmCancel' ? cancelButtonRef : rebookButtonRef,
        confirmCancel: confirmRef,
        rebook: rebookRef,
        review: reviewRef,
      })[mode].current?.focus();
  }, [mode, shownNotice]);

  const tell = (kind: 'success' | 'warning', text: Message, at: Mode = mode) => {
    setNotice((previous) => ({ kind, text, n: (previous?.n ?? 0) + 1, at }));
  };
  const go = (next: Mode, slot?: Slot) => {
    navigate({ pathname: location.pathname, search: location.search }, { state: { manage: next, chosen: slot, of } });
  };
  /** Back through `steps` of this page's entries (to the times, or to the appointment); resolves once there. */
  const back = (steps = mode === 'review' ? 2 : mode === 'view' ? 0 : 1) =>
    new Promise<void>((resolve) => {
      if (steps < 1) return resolve();
      window.addEventListener('popstate', () => resolve(), { once: true });
      navigate(-steps);
    });

  /**
   * Refused because the appointment changed elsewhere meanwhile (the office cancelled it, it began
   * or was joined on another device): the page shows it as it is now, with the way on that state
   * has, instead of "booked" and its buttons beside a notice saying otherwise.
   */
  const showChanged = async (error: ApiError): Promise<Mode> => {
    if (error.code !== 'appointment_cancelled' && error.code !== 'appointment_over') return mode;
    setAlternatives([]);
    setChosen(null);
    await back();
    try {
      setAppointment(await loadAppointment(token));
    } catch {
      // Not readable now: the notice still says what happened.
    }
    return 'view';
  };

  const cancel = async () => {
    setBusy(true);
    try {
      setAppointment(await cancelAppointment(token));
      tell(
        'success',
        message((tr) => tr('appointments:manage.cancelled')),
        'view',
      );
      await back();
    } catch (caught) {
      const error = toApiError(caught);
      tell('warning', problemMessage(error), await showChanged(error));
    } finally {
      setBusy(false);
    }
  };

  /** A new time chosen (in the picker or among the alternatives): shown for review first. */
  const choose = (slot: Slot) => {
    if (busy) return;
    setNotice(null);
    setChosen(slot);
    go('review', slot);
  };

  const moveTo = async (slot: Slot) => {
    setBusy(true);
    try {
      setAppointment(await rebook(token, slot.startsAt));
      setAlternatives([]);
      setChosen(null);
      tell(
        'success',
        message((tr, locale) =>
          tr('appointments:manage.rebooked', { slot: slotWords(tr, locale, timeZone, slot.startsAt) }),
        ),
        'view',
      );
      // The finished move leaves no step to go back through.
      await back();
    } catch (caught) {
      const error = toApiError(caught);
      if (error.code === 'slot_taken' || error.code === 'slot_unavailable') {
        // Back to the picker: the review's time cannot be had, and "choose another" needs the list.
        const taken = error.code === 'slot_taken';
        setAlternatives(taken ? (error.extras.alternatives ?? []) : []);
        setChosen(null);
        tell(
          'warning',
          message((tr) => tr(taken ? 'appointments:details.taken' : 'appointments:details.unavailable')),
          'rebook',
        );
        await back(1);
      } else {
        tell('warning', problemMessage(error), await showChanged(error));
      }
    } finally {
      setBusy(false);
    }
  };

  const join = async () => {
    setBusy(true);
    try {
      const arrival = await arrive(token);
      getLiveClient().reconnectNow(); // the live connection learns the new visit cookie
      void navigate(pagePath('waitingRoom', { tenant: arrival.tenantSlug, department: arrival.departmentSlug }));
    } catch (caught) {
      const error = toApiError(caught);
      const at = await showChanged(error);
      setBusy(false);
      tell(
        'warning',
        error.code === 'appointment_not_open_yet' && error.extras.opensAt
          ? notYetMessage(new Date(error.extras.opensAt), timeZone)
          : problemMessage(error),
        at,
      );
    }
  };

  // Still "booked" once its time has passed (until a clerk records how it went): not "is booked".
  // On site, "arrived" means checked in at the town hall (`arrived_onsite`), not waiting in the
  // virtual room; the other states have no words of their own for on site.
  const stateText = t(`manage.state.${appointment.state === 'booked' && over ? 'bookedOver' : appointment.state}`, {
    context: appointment.channel === 'onsite' ? 'onsite' : undefined,
  });

  return (
    <>
      <PageHeading title={t('manage.title')} />
      {shownNotice && (
        <p ref={messageRef} tabIndex={-1} className={`notice notice--${shownNotice.kind}`} data-testid="manage-message">
          {say(shownNotice.text)}
        </p>
      )}

      <div className={appointment.state === 'cancelled' ? 'panel' : 'panel panel--notice'}>
        <p
          className="appointment-state"
          data-testid="appointment-state"
          data-state={appointment.state}
          data-over={over || undefined}
        >
          {stateText}
        </p>
        <AppointmentFacts appointment={appointment} />
      </div>

      {appointment.channel === 'onsite' && appointment.state === 'booked' && !over && (
        <OnsiteInfo appointment={appointment} headingLevel={2} />
      )}
      {/* Checked in, the person is still somewhere in the building: keep saying where. */}
      {appointment.channel === 'onsite' && appointment.state === 'arrived' && (
        <OnsiteInfo appointment={appointment} headingLevel={2} arrived />
      )}

      {appointment.channel !== 'onsite' && appointment.state === 'booked' && !over && (
        <section aria-labelledby={`${id}-join`} className="panel" data-testid="join-section">
          <h2 id={`${id}-join`}>{t('manage.joinHeading')}</h2>
          {joinOpen ? (
            <>
              <p>{t('manage.joinOpen')}</p>
              <button
                type="button"
                className="button button--large"
                aria-disabled={busy || undefined}
                onClick={() => {
                  if (!busy) void join();
                }}
              >
                {t('manage.join')}
              </button>
            </>
          ) : (
            <p data-testid="join-later">
              {t('manage.joinLater', { opens: opensText(new Date(appointment.joinOpensAt), timeZone) })}
            </p>
          )}
        </section>
      )}

      {appointment.state === 'arrived' && appointment.channel !== 'onsite' && (
        <p>
          <Link
            className="button"
            to={pagePath('waitingRoom', { tenant: appointment.tenantSlug, department: appointment.departmentSlug })}
          >
            {t('manage.toWaitingRoom')}
          </Link>
        </p>
      )}

      {appointment.documents.length > 0 && appointment.state === 'booked' && (
        <section aria-labelledby={`${id}-documents`}>
          <h2 id={`${id}-documents`}>{t('confirmation.documentsHeading')}</h2>
          <DocumentList documents={appointment.documents} className="documents" />
        </section>
      )}

      {appointment.state === 'booked' && appointment.canCancel && (
        <section aria-labelledby={`${id}-change`} className="manage-change">
          <h2 id={`${id}-change`}>{t('manage.changeHeading')}</h2>
          {mode === 'view' && (
            <div className="button-row">
              <button
                ref={rebookButtonRef}
                type="button"
                className="button button--secondary"
                onClick={() => {
                  // A move begun anew (also after Back from one): nothing of the last one marked.
                  setNotice(null);
                  setChosen(null);
                  setAlternatives([]);
                  go('rebook');
                }}
              >
                {t('manage.rebook')}
              </button>
              <button
                ref={cancelButtonRef}
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setNotice(null);
                  go('confirmCancel');
                }}
              >
                {t('manage.cancel')}
              </button>
            </div>
          )}

          {mode === 'confirmCancel' && (
            <div className="panel panel--notice" data-testid="cancel-confirm">
              <p ref={confirmRef} tabIndex={-1}>
                {t('manage.cancelConfirm', { slot: slotText(appointment.startsAt) })}
              </p>
              <div className="button-row">
                <button
                  type="button"
                  className="button button--danger"
                  aria-disabled={busy || undefined}
                  onClick={() => {
                    if (!busy) void cancel();
                  }}
                >
                  {t('manage.cancelYes')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    void back();
                  }}
                >
                  {t('manage.cancelNo')}
                </button>
              </div>
            </div>
          )}

          {mode === 'rebook' && (
            <div data-testid="rebook">
              <h3 ref={rebookRef} tabIndex={-1}>
                {t('manage.rebookHeading')}
              </h3>
              <p>{t('manage.rebookIntro')}</p>
              {alternatives.length > 0 && (
                <div className="panel panel--notice" data-testid="alternatives">
                  <AlternativeSlots slots={alternatives} timeZone={timeZone} onPick={choose} />
                </div>
              )}
              <LazySlotPicker
                tenantSlug={appointment.tenantSlug}
                departmentSlug={appointment.departmentSlug}
                timeZone={timeZone}
                services={appointment.services.map((service) => service.slug)}
                persons={appointment.persons}
                headingLevel={4}
                busy={busy}
                chosen={chosen?.startsAt ?? null}
                onChoose={choose}
              />
              <div className="button-row booking-flow__back">
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    void back();
                  }}
                >
                  {t('manage.rebookAbort')}
                </button>
              </div>
            </div>
          )}

          {mode === 'review' && reviewed && (
            <div className="panel panel--notice" data-testid="rebook-review">
              <h3 ref={reviewRef} tabIndex={-1}>
                {t('manage.reviewHeading')}
              </h3>
              <dl className="facts rebook-review">
                <Fact term={t('manage.reviewFrom')} testId="rebook-from">
                  {slotText(appointment.startsAt)}
                </Fact>
                <Fact term={t('manage.reviewTo')} testId="rebook-to">
                  <span aria-hidden="true">→ </span>
                  {slotText(reviewed.startsAt)}
                </Fact>
              </dl>
              <p>{t('manage.reviewHint')}</p>
              <div className="button-row">
                <button
                  type="button"
                  className="button"
                  aria-disabled={busy || undefined}
                  onClick={() => {
                    if (!busy) void moveTo(reviewed);
                  }}
                >
                  {busy ? t('manage.reviewMoving') : t('manage.reviewConfirm')}
                </button>
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    if (!busy) void back(1);
                  }}
                >
                  {t('manage.reviewBack')}
                </button>
              </div>
            </div>
          )}
        </section>
      )}

      {appointment.state === 'booked' && !appointment.canCancel && <p>{t('manage.cannotCancel')}</p>}

      {appointment.state !== 'arrived' && (appointment.state !== 'booked' || over) && (
        <p>
          <Link to={bookAgain}>{t('manage.bookAgain')}</Link>
        </p>
      )}
    </>
  );
}
