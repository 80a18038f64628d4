import { useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from '../../app/api';

export type LoadState<T> =
  | { status: 'loading'; previous: T | null }
  | { status: 'success'; data: T }
  | { status: 'error'; error: ApiError; previous: T | null };

type Settled<T> = { status: 'success'; data: T } | { status: 'error'; error: ApiError };

/**
 * Loads once per `key` (put everything the request depends on into it, a reload counter too).
 * While a new key loads, the last data stays at hand as `previous`, so a list does not blink.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): LoadState<T> {
  const [result, setResult] = useState<{ key: string; settled: Settled<T> } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    loadRef.current(controller.signal).then(
      (data) => {
        setResult({ key, settled: { status: 'success', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ key, settled: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => {
      controller.abort();
    };
  }, [key]);

  const previous = result?.settled.status === 'success' ? result.settled.data : null;
  if (result?.key !== key) return { status: 'loading', previous };
  return result.settled.status === 'error' ? { ...result.settled, previous } : result.settled;
}
