import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveConnectionState } from '../lib/useLive';

/**
 * A small polite notice while the live connection is down, and for a few seconds after it is back
 * ("Wieder verbunden."), so that someone who heard it drop also hears it return. Shown after a
 * moment only, so a quick reconnect does not flicker (and is not said at all); the region itself
 * is always in the DOM, so screen readers announce the text when it appears.
 */
export function LiveStatus() {
  const { t } = useTranslation();
  const down = useLiveConnectionState() === 'reconnecting';
  const [said, setSaid] = useState<'reconnecting' | 'reconnected' | null>(null);
  useEffect(() => {
    // Down: said after a moment. Back: said if the loss was, and gone after a few seconds.
    const timers = down
      ? [
          setTimeout(() => setSaid((before) => (before === 'reconnected' ? null : before)), 0),
          setTimeout(() => setSaid('reconnecting'), 1500),
        ]
      : [setTimeout(() => setSaid((before) => before && 'reconnected'), 0), setTimeout(() => setSaid(null), 5000)];
    return () => {
      timers.forEach(clearTimeout);
    };
  }, [down]);
  return (
    <div role="status" aria-live="polite" className="live-status" data-testid="live-status">
      {said && <p className="live-status__text">{t(`live.${said}`)}</p>}
    </div>
  );
}
