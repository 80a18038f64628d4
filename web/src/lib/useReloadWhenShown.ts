import { useEffect, useRef } from 'react';

/**
 * Loads a list again when its tab is shown again: another admin (or this one in a second window)
 * may have changed it meanwhile, and an entry removed there stayed listed here until a reload.
 */
export function useReloadWhenShown(reload: () => void): void {
  const latest = useRef(reload);
  useEffect(() => {
    latest.current = reload;
  });
  useEffect(() => {
    const onShown = () => {
      if (document.visibilityState === 'visible') latest.current();
    };
    document.addEventListener('visibilitychange', onShown);
    return () => {
      document.removeEventListener('visibilitychange', onShown);
    };
  }, []);
}
