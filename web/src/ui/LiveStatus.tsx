import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLiveConnectionState } from '../lib/useLive';

/**
 * A small polite notice while the live connection is down. Shown after a moment only, so a
 * quick reconnect does not flicker; the region itself is always in the DOM, so screen readers
 * announce the text when it appears.
 */
export function LiveStatus() {
  const { t } = useTranslation();
  const state = useLiveConnectionState();
  const down = state === 'reconnecting';
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!down) {
      const timer = window.setTimeout(() => {
        setVisible(false);
      }, 0);
      return () => {
        window.clearTimeout(timer);
      };
    }
    const timer = window.setTimeout(() => {
      setVisible(true);
    }, 1500);
    return () => {
      window.clearTimeout(timer);
    };
  }, [down]);
  return (
    <div role="status" aria-live="polite" className="live-status" data-testid="live-status">
      {visible && down && <p className="live-status__text">{t('live.reconnecting')}</p>}
    </div>
  );
}
