import { useEffect, useState } from 'react';
import { serverNow } from '../appointments';

/**
 * Now on the office's clock (as the appointments' answers tell it; a clerk's computer may be a day
 * off), read at each render and at least every half minute: enough for "waited 3 minutes", "no-show
 * from" and which day is today.
 */
export function useMinuteClock(): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => {
      setTick((tick) => tick + 1);
    }, 30_000);
    return () => {
      window.clearInterval(timer);
    };
  }, []);
  return serverNow();
}
