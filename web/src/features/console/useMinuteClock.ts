import { useEffect, useState } from 'react';

/** `Date.now()`, renewed every half minute: enough for "waited 3 minutes" and "no-show from". */
export function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, 30_000);
    return () => {
      window.clearInterval(timer);
    };
  }, []);
  return now;
}
