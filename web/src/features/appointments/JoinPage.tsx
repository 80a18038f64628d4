import { pagePath, type JoinView } from '@amtsraum/shared';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from '../../lib/router';
import { getLiveClient } from '../../lib/live-client';
import { ErrorPage } from '../../ui/ErrorPage';
import { LoadingState } from '../../ui/LoadingState';
import { PageHeading } from '../../ui/PageHeading';
import { RetryButton } from '../../ui/RetryButton';
import { ZoneNote } from '../../ui/ZoneNote';
import { useArrival, useJoinView } from './api';
import { OfficeLink } from './AppointmentFacts';
import { AppointmentNotFound, useOpensText } from './ManagePage';
import { serverNow } from './server-clock';
import { keepForManaging, useFragmentToken } from './useFragmentToken';
import { useFooterTenant } from '../legal';

/** `/termin/beitreten#<token>`: the join link from the e-mail; on time it leads into the waiting room. */
export function JoinPage() {
  const token = useFragmentToken('join');
  if (token.status !== 'present') return <AppointmentNotFound />;
  return <Join token={token.token} />;
}

function Join({ token }: { token: string }) {
  const navigate = useNavigate();
  const state = useArrival(token);
  const arrival = state.status === 'success' ? state.data : null;

  useEffect(() => {
    if (!arrival) return;
    getLiveClient().reconnectNow(); // the live connection learns the new visit cookie
    void navigate(pagePath('waitingRoom', { tenant: arrival.tenantSlug, department: arrival.departmentSlug }), {
      replace: true,
    });
  }, [arrival, navigate]);

  if (state.status !== 'error') return <LoadingState />;
  switch (state.error.code) {
    case 'appointment_not_found':
    case 'validation_failed':
      return <AppointmentNotFound />;
    case 'appointment_not_open_yet':
      return state.error.extras.opensAt ? (
        <NotOpenYet token={token} opensAt={state.error.extras.opensAt} retry={state.reload} />
      ) : (
        <ErrorPage error={state.error} retry={state.reload} />
      );
    case 'appointment_onsite':
      return <OnsiteNotVideo token={token} />;
    case 'appointment_cancelled':
    case 'appointment_over':
      return <Closed token={token} reason={state.error.code === 'appointment_cancelled' ? 'cancelled' : 'over'} />;
    default:
      return <ErrorPage error={state.error} retry={state.reload} />;
  }
}

function NotOpenYet({ token, opensAt, retry }: { token: string; opensAt: string; retry: () => void }) {
  const { t } = useTranslation('appointments');
  const opensText = useOpensText();
  const appointment = useJoinView(token);
  useFooterTenant(appointment.status === 'success' ? appointment.data.tenantSlug : null);
  const timeZone =
    appointment.status === 'success' ? appointment.data.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const retryRef = useRef(retry);
  useEffect(() => {
    retryRef.current = retry;
  }, [retry]);

  // Try again by itself when the door opens on the office's clock (a second late, so the server
  // agrees); timed anew once the appointment's view has brought the office's time.
  const clockKnown = appointment.status === 'success';
  useEffect(() => {
    const wait = new Date(opensAt).getTime() - serverNow() + 1_000;
    // Already past (the clocks disagree) or beyond a timer's range: the button is there.
    if (wait <= 1_000 || wait > 2_000_000_000) return;
    const timer = window.setTimeout(() => {
      retryRef.current();
    }, wait);
    return () => {
      window.clearTimeout(timer);
    };
  }, [opensAt, clockKnown]);

  return (
    <div data-testid="join-not-open">
      <PageHeading title={t('join.notOpenTitle')} />
      {appointment.status === 'loading' ? (
        <p className="lead">{t('join.loadingTime')}</p>
      ) : (
        <>
          <p className="lead" data-testid="join-opens">
            {t('join.notYet', { opens: opensText(new Date(opensAt), timeZone) })}
          </p>
          <ZoneNote timeZone={timeZone} />
        </>
      )}
      <p>{t('join.keepOpen')}</p>
      {appointment.status === 'success' && <OfficeLine appointment={appointment.data} />}
      {appointment.status === 'success' && !appointment.data.manages && <p>{t('join.manageInMail')}</p>}
      <div className="button-row">
        <RetryButton onClick={retry}>{t('join.retry')}</RetryButton>
        {appointment.status === 'success' && appointment.data.manages && (
          <Link
            className="button button--secondary"
            to={pagePath('manageAppointment')}
            onClick={() => {
              keepForManaging(token);
            }}
          >
            {t('join.toManage')}
          </Link>
        )}
      </div>
    </div>
  );
}

/** The office the appointment is with, as the way to its page while the waiting room is still shut. */
function OfficeLine({ appointment }: { appointment: JoinView }) {
  const { t } = useTranslation('appointments');
  return (
    <p>
      {t('join.office')} <OfficeLink appointment={appointment} testId="join-office" />
    </p>
  );
}

/**
 * An on-site appointment has no video door (issue 16): the manage page says where to go, when
 * the token opens it (a join-only token does not).
 */
function OnsiteNotVideo({ token }: { token: string }) {
  const { t } = useTranslation('appointments');
  const appointment = useJoinView(token);
  return (
    <div data-testid="join-onsite">
      <PageHeading title={t('join.onsiteTitle')} />
      <p className="lead">{t('join.onsiteText')}</p>
      {appointment.status === 'success' && appointment.data.manages && (
        <p>
          <Link
            className="button"
            to={pagePath('manageAppointment')}
            onClick={() => {
              keepForManaging(token);
            }}
          >
            {t('join.toManage')}
          </Link>
        </p>
      )}
    </div>
  );
}

function Closed({ token, reason }: { token: string; reason: 'cancelled' | 'over' }) {
  const { t } = useTranslation('appointments');
  // The error says nothing about the office; the appointment itself tells where to book again.
  const appointment = useJoinView(token);
  return (
    <div data-testid={`join-${reason}`}>
      <PageHeading title={t(`join.${reason}Title`)} />
      <p className="lead">{t(`join.${reason}Text`)}</p>
      <p>
        {appointment.status === 'success' ? (
          <Link
            className="button"
            to={pagePath('booking', {
              tenant: appointment.data.tenantSlug,
              department: appointment.data.departmentSlug,
            })}
          >
            {t('join.bookAgain')}
          </Link>
        ) : (
          <Link to={pagePath('home')}>{t('join.findOffice')}</Link>
        )}
      </p>
    </div>
  );
}
