import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { getLiveClient } from '../../app/live-client';
import { PageHeading } from '../../app/PageHeading';
import { ZoneNote } from '../directory/ZoneNote';
import { ErrorPage } from '../errors/ErrorPage';
import { LoadingState } from '../errors/LoadingState';
import { RetryButton } from '../errors/RetryButton';
import { arrive, bookingPagePath, manage } from './api';
import { AppointmentNotFound, useOpensText } from './ManagePage';
import { useFragmentToken } from './useFragmentToken';
import { useTokenRequest, type RequestState } from './useAppointmentRequest';

/** `/termin/beitreten#<token>`: the join link from the e-mail; on time it leads into the waiting room. */
export function JoinPage() {
  const token = useFragmentToken();
  if (token.status !== 'present') return <AppointmentNotFound />;
  return <Join token={token.token} />;
}

function Join({ token }: { token: string }) {
  const navigate = useNavigate();
  const state = useTokenRequest(token, arrive);
  const arrival = state.status === 'success' ? state.data : null;

  useEffect(() => {
    if (!arrival) return;
    getLiveClient().reconnectNow(); // the live connection learns the new visit cookie
    void navigate(`/${arrival.tenantSlug}/${arrival.departmentSlug}/wait`, { replace: true });
  }, [arrival, navigate]);

  if (state.status !== 'error') return <LoadingState />;
  switch (state.error.code) {
    case 'appointment_not_found':
    case 'validation_failed':
      return <AppointmentNotFound />;
    case 'appointment_not_open_yet':
      return state.error.extras.opensAt ? (
        <NotOpenYet token={token} opensAt={state.error.extras.opensAt} retry={state.retry} />
      ) : (
        <ErrorPage error={state.error} retry={state.retry} />
      );
    case 'appointment_cancelled':
    case 'appointment_over':
      return <Closed token={token} reason={state.error.code === 'appointment_cancelled' ? 'cancelled' : 'over'} />;
    default:
      return <ErrorPage error={state.error} retry={state.retry} />;
  }
}

function NotOpenYet({ token, opensAt, retry }: { token: string; opensAt: string; retry: () => void }) {
  const { t } = useTranslation('booking');
  const opensText = useOpensText();
  const appointment = useTokenRequest(token, manage);
  const timeZone =
    appointment.status === 'success' ? appointment.data.timeZone : Intl.DateTimeFormat().resolvedOptions().timeZone;
  const retryRef = useRef(retry);
  useEffect(() => {
    retryRef.current = retry;
  }, [retry]);

  // Try again by itself when the door opens (a second late, so the server agrees).
  useEffect(() => {
    const wait = new Date(opensAt).getTime() - Date.now() + 1_000;
    // Already past (the clocks disagree) or beyond a timer's range: the button is there.
    if (wait <= 1_000 || wait > 2_000_000_000) return;
    const timer = window.setTimeout(() => {
      retryRef.current();
    }, wait);
    return () => {
      window.clearTimeout(timer);
    };
  }, [opensAt]);

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
      <div className="button-row">
        <RetryButton onClick={retry}>{t('join.retry')}</RetryButton>
        <Link className="button button--secondary" to="/termin">
          {t('join.toManage')}
        </Link>
      </div>
    </div>
  );
}

function Closed({ token, reason }: { token: string; reason: 'cancelled' | 'over' }) {
  const { t } = useTranslation('booking');
  // The error says nothing about the office; the appointment itself tells where to book again.
  const appointment: RequestState<{ tenantSlug: string; departmentSlug: string }> = useTokenRequest(token, manage);
  return (
    <div data-testid={`join-${reason}`}>
      <PageHeading title={t(`join.${reason}Title`)} />
      <p className="lead">{t(`join.${reason}Text`)}</p>
      <p>
        {appointment.status === 'success' ? (
          <Link className="button" to={bookingPagePath(appointment.data.tenantSlug, appointment.data.departmentSlug)}>
            {t('join.bookAgain')}
          </Link>
        ) : (
          <Link to="/">{t('join.findOffice')}</Link>
        )}
      </p>
    </div>
  );
}
