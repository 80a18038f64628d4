import { formatTicketNumber, type DeviceView, type DisplayCall } from '@amtsraum/shared';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toApiError } from '../../lib/api';
import { useLocalize } from '../../lib/useLocalize';
import { PageHeading } from '../../ui/PageHeading';
import { DevicePairing, fetchPairedDevice } from '../devices';
import { callKey, freshCalls, openCallsStream, type StreamState } from './calls-stream';
import { announcementText, playGong, soundReady, speak, unlockSound } from './gong';
import './display.css';

/** Earlier calls shown below the current ones; with at most four current, the page fits 1920×1080. */
const EARLIER_MAX = 6;

/** `/anzeige` (issue 16): the call display of a town hall's waiting area, paired with one department. */
export function CallDisplayPage() {
  return (
    <DevicePairing kind="display">
      {(device, unpaired) => <CallBoard device={device} onUnpaired={unpaired} />}
    </DevicePairing>
  );
}

function CallBoard({ device, onUnpaired }: { device: DeviceView; onUnpaired: () => void }) {
  const { t } = useTranslation('display');
  const localize = useLocalize();
  const [calls, setCalls] = useState<DisplayCall[] | null>(null);
  const [connection, setConnection] = useState<StreamState>('connecting');
  const [announcement, setAnnouncement] = useState('');
  const [sound, setSound] = useState(soundReady);
  /** Calls already shown: only a new one (or one called again) sounds, not a reconnect's list. */
  const seen = useRef<Set<string> | null>(null);
  const unpairedRef = useRef(onUnpaired);
  useEffect(() => {
    unpairedRef.current = onUnpaired;
  });

  useEffect(
    () =>
      openCallsStream({
        onCalls: (next) => {
          setCalls(next);
          const fresh = freshCalls(seen.current, next);
          seen.current = new Set([...(seen.current ?? []), ...next.map(callKey)]);
          if (fresh.length === 0) return;
          const words = fresh.map((call) => announcementText(call.ticketNumber, call.counter));
          const gong = playGong();
          words.forEach((text, index) => speak(text, index === 0 ? gong : 0));
          setAnnouncement(
            fresh
              .map((call) => t('announce', { number: formatTicketNumber(call.ticketNumber), counter: call.counter }))
              .join(' '),
          );
        },
        onState: setConnection,
        onRevoked: () => unpairedRef.current(),
        stillPaired: () =>
          fetchPairedDevice('display').then(
            () => true,
            (error: unknown) => {
              if (toApiError(error).code === 'device_not_paired') return false;
              throw error;
            },
          ),
      }),
    [t],
  );

  const name = localize(device.department.name);
  const current = (calls ?? []).filter((call) => call.current);
  const earlier = (calls ?? []).filter((call) => !call.current).slice(0, EARLIER_MAX);

  return (
    <div className="call-display" data-testid="call-display">
      <header className="call-display__header">
        <PageHeading title={t('title')}>
          <span className="call-display__title">{t('heading')}</span>{' '}
          <span className="call-display__department" lang={name.lang}>
            {name.text}
          </span>
        </PageHeading>
        {!sound && (
          <button
            type="button"
            className="button call-display__sound"
            data-testid="call-display-sound"
            onClick={() => {
              void unlockSound().then(setSound);
            }}
          >
            {t('soundOn')}
          </button>
        )}
      </header>
      {connection !== 'open' && calls !== null && (
        <p className="call-display__offline" role="status" data-testid="call-display-offline">
          {t('reconnecting')}
        </p>
      )}
      <section className="call-display__now" aria-labelledby="call-display-now">
        <h2 id="call-display-now" className="call-display__label">
          {t('now')}
        </h2>
        {calls === null ? (
          <p className="call-display__empty">{t('loading')}</p>
        ) : current.length === 0 ? (
          <p className="call-display__empty" data-testid="call-display-none">
            {t('none')}
          </p>
        ) : (
          <ul className="call-display__current" data-testid="call-display-current">
            {current.map((call) => (
              <li key={callKey(call)} className="call-display__call" data-testid="call-display-call">
                <span className="call-display__number">
                  <span className="visually-hidden">{t('number')} </span>
                  {formatTicketNumber(call.ticketNumber)}
                </span>
                <span className="call-display__arrow" aria-hidden="true">
                  →
                </span>
                <span className="call-display__counter">
                  <span className="visually-hidden">{t('to')} </span>
                  {call.counter}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      {earlier.length > 0 && (
        <section className="call-display__history" aria-labelledby="call-display-earlier">
          <h2 id="call-display-earlier" className="call-display__label">
            {t('earlier')}
          </h2>
          <ul className="call-display__earlier" data-testid="call-display-earlier">
            {earlier.map((call) => (
              <li key={callKey(call)}>
                <span className="call-display__small-number">{formatTicketNumber(call.ticketNumber)}</span>{' '}
                <span className="call-display__small-counter">{call.counter}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="visually-hidden" aria-live="assertive" aria-atomic="true" data-testid="call-display-live">
        {announcement}
      </div>
    </div>
  );
}
