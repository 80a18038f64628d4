import { useEffect, useRef, useState } from 'react';

/** Idle time after which the kiosk goes back to its start, and the last part of it counted down on screen. */
export const IDLE_RESET_MS = 60_000;
export const IDLE_COUNTDOWN_MS = 10_000;

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const;

/**
 * While `active`, calls `reset` after `IDLE_RESET_MS` without a touch, key or input anywhere on
 * the page, and returns the whole seconds left during the last `IDLE_COUNTDOWN_MS` (null before).
 * The next person must never meet the previous one's screen (issue 16).
 */
export function useIdleReset(active: boolean, reset: () => void): number | null {
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const resetRef = useRef(reset);
  useEffect(() => {
    resetRef.current = reset;
  });

  useEffect(() => {
    if (!active) return;
    let deadline = Date.now() + IDLE_RESET_MS;
    const touched = () => {
      deadline = Date.now() + IDLE_RESET_MS;
      setSecondsLeft(null);
    };
    const tick = () => {
      const left = deadline - Date.now();
      if (left <= 0) {
        setSecondsLeft(null);
        resetRef.current();
        deadline = Date.now() + IDLE_RESET_MS;
        return;
      }
      setSecondsLeft(left <= IDLE_COUNTDOWN_MS ? Math.ceil(left / 1000) : null);
    };
    for (const name of ACTIVITY) window.addEventListener(name, touched, { capture: true, passive: true });
    const timer = window.setInterval(tick, 250);
    return () => {
      setSecondsLeft(null);
      window.clearInterval(timer);
      for (const name of ACTIVITY) window.removeEventListener(name, touched, { capture: true });
    };
  }, [active]);

  return active ? secondsLeft : null;
}
