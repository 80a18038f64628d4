import { pagePath, type CitizenAppointment, type Slot } from '@amtsraum/shared';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { toApiError, type ApiError } from '../../lib/api';
import { dateOf, todayIn } from '../../lib/calendar';
import { getLiveClient } from '../../lib/live-client';
import { DocumentList } from '../../ui/DocumentList';
import { ErrorPage } from '../../ui/ErrorPage';
import { formatClock, formatLongDate } from '../../ui/format';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { AlternativeSlots } from './AlternativeSlots';
import { arrive, cancelAppointment, rebook, useAppointment } from './api';
import { AppointmentFacts } from './AppointmentFacts';
import { SlotPicker } from './SlotPicker';
import { useFragmentToken } from './useFragmentToken';
import { useReached } from './useReached';
import { useSlotName } from './useSlotName';

/** `/termin#<token>`: the citizen's own appointment from the e-mail link: see, rebook, cancel, join. */
export function ManagePage() {
  const token = useFragmentToken();
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
export function useOpensText(): (opensAt: Date, timeZone: string) => string {
  const { t, i18n } = useTranslation('appointments');
  const locale = i18n.resolvedLanguage ?? i18n.language;
  return (opensAt, timeZone) => {
    const time = formatClock(opensAt, locale, timeZone);
    return dateOf(opensAt, timeZone) === todayIn(timeZone)
      ? t('join.opensToday', { time })
      : t('join.opensOn', { date: formatLongDate(opensAt, locale, timeZone), time });
  };
}

type Mode = 'view' | 'confirmCancel' | 'rebook';

function Manage({ token, loaded }: { token: string; loaded: CitizenAppointment }) {
  const { t } = useTranslation('appointments');
  const { t: tErrors } = useTranslation('errors');
  const navigate = useNavigate();
  const id = useId();
  const opensText = useOpensText();
  const [appointment, setAppointment] = useState(loaded);
  const [mode, setMode] = useState<Mode>('view');
  const [message, setMessage] = useState<{ kind: 'success' | 'warning'; text: string; n: number } | null>(null);
  const [alternatives, setAlternatives] = useState<Slot[]>([]);
  const [busy, setBusy] = useState(false);
  const messageRef = useRef<HTMLParagraphElement>(null);
  const confirmRef = useRef<HTMLParagraphElement>(null);
  const rebookRef = useRef<HTMLHeadingElement>(null);
  const cancelButtonRef = useRef<HTMLButtonElement>(null);
  const rebookButtonRef = useRef<HTMLButtonElement>(null);

  const joinOpen = useReached(appointment.joinOpensAt);
  const over = useReached(appointment.endsAt);
  const { timeZone } = appointment;
  const slotText = useSlotName(timeZone);
  const bookAgain = pagePath('booking', { tenant: appointment.tenantSlug, department: appointment.departmentSlug });

  // A new message is read first: focus moves there once it is rendered.
  useEffect(() => {
    if (message) messageRef.current?.focus();
  }, [message]);
  useEffect(() => {
    if (mode === 'confirmCancel') confirmRef.current?.focus();
    if (mode === 'rebook') rebookRef.current?.focus();
  }, [mode]);

  const say = (kind: 'success' | 'warning', text: string) => {
    setMessage((previous) => ({ kind, text, n: (previous?.n ?? 0) + 1 }));
  };
  const describe = (error: ApiError) => tErrors(`codes.${error.code}`);

  const cancel = async () => {
    setBusy(true);
    try {
      setAppointment(await cancelAppointment(token));
      setMode('view');
      say('success', t('manage.cancelled'));
    } catch (error) {
      say('warning', describe(toApiError(error)));
    } finally {
      setBusy(false);
    }
  };

  const moveTo = async (slot: Slot) => {
    setBusy(true);
    try {
      setAppointment(await rebook(token, slot.startsAt));
      setMode('view');
      setAlternatives([]);
      say('success', t('manage.rebooked', { slot: slotText(slot.startsAt) }));
    } catch (caught) {
      const error = toApiError(caught);
      if (error.code === 'slot_taken') {
        setAlternatives(error.extras.alternatives ?? []);
        say('warning', t('details.taken'));
      } else {
        say('warning', describe(error));
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
      setBusy(false);
      const error = toApiError(caught);
      say(
        'warning',
        error.code === 'appointment_not_open_yet' && error.extras.opensAt
          ? t('join.notYet', { opens: opensText(new Date(error.extras.opensAt), timeZone) })
          : describe(error),
      );
    }
  };

  const stateText: Record<CitizenAppointment['state'], string> = {
    booked: t('manage.state.booked'),
    cancelled: t('manage.state.cancelled'),
    arrived: t('manage.state.arrived'),
    done: t('manage.state.done'),
    no_show: t('manage.state.no_show'),
  };

  return (
    <>
      <PageHeading title={t('manage.title')} />
      {message && (
        <p
          ref={messageRef}
          tabIndex={-1}
          className={`notice ${message.kind === 'success' ? 'notice--success' : 'notice--warning'}`}
          data-testid="manage-message"
        >
          {message.text}
        </p>
      )}

      <div className={appointment.state === 'cancelled' ? 'panel' : 'panel panel--notice'}>
        <p className="appointment-state" data-testid="appointment-state" data-state={appointment.state}>
          {stateText[appointment.state]}
        </p>
        <AppointmentFacts appointment={appointment} />
      </div>

      {appointment.state === 'booked' && !over && (
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

      {appointment.state === 'arrived' && (
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
                  setMessage(null);
                  setMode('rebook');
                }}
              >
                {t('manage.rebook')}
              </button>
              <button
                ref={cancelButtonRef}
                type="button"
                className="button button--secondary"
                onClick={() => {
                  setMessage(null);
                  setMode('confirmCancel');
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
                    setMode('view');
                    window.setTimeout(() => cancelButtonRef.current?.focus(), 0);
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
                  <AlternativeSlots
                    slots={alternatives}
                    timeZone={timeZone}
                    onPick={(slot) => {
                      if (!busy) void moveTo(slot);
                    }}
                  />
                </div>
              )}
              <SlotPicker
                tenantSlug={appointment.tenantSlug}
                departmentSlug={appointment.departmentSlug}
                timeZone={timeZone}
                services={appointment.services.map((service) => service.slug)}
                persons={appointment.persons}
                headingLevel={4}
                busy={busy}
                onChoose={(slot) => void moveTo(slot)}
              />
              <div className="button-row booking-flow__back">
                <button
                  type="button"
                  className="button button--secondary"
                  onClick={() => {
                    setMode('view');
                    setAlternatives([]);
                    window.setTimeout(() => rebookButtonRef.current?.focus(), 0);
                  }}
                >
                  {t('manage.rebookAbort')}
                </button>
              </div>
            </div>
          )}
        </section>
      )}

      {appointment.state === 'booked' && !appointment.canCancel && <p>{t('manage.cannotCancel')}</p>}

      {appointment.state !== 'booked' && appointment.state !== 'arrived' && (
        <p>
          <Link to={bookAgain}>{t('manage.bookAgain')}</Link>
        </p>
      )}
    </>
  );
}
