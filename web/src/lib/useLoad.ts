import { useCallback, useEffect, useRef, useState } from 'react';
import { toApiError, type ApiError } from './api';

/**
 * What a load has come to. While another key (or a reload) loads, `previous` holds the data of
 * the last load if it succeeded, so a list can stay in place instead of blinking.
 */
export type LoadState<T> =
  | { status: 'loading'; previous: T | null; reload: () => void }
  | { status: 'success'; data: T; reload: () => void }
  | { status: 'error'; error: ApiError; previous: T | null; reload: () => void };

type Settled<T> = { status: 'success'; data: T } | { status: 'error'; error: ApiError };

/**
 * The one loading hook: runs `load` once per `key` and per `reload()`, aborting the request
 * that is no longer wanted. Put everything the request depends on into `key`; `load` itself may
 * change on every render (the latest one runs). Deliberately not keyed by the interface
 * language: localized texts arrive whole, so switching language re-renders without a refetch.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): LoadState<T> {
  const [attempt, setAttempt] = useState(0);
  const current = `${String(attempt)}:${key}`;
  const [result, setResult] = useState<{ key: string; settled: Settled<T> } | null>(null);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });

  useEffect(() => {
    const controller = new AbortController();
    const request = current;
    loadRef.current(controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        setResult({ key: request, settled: { status: 'success', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ key: request, settled: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => {
      controller.abort();
    };
  }, [current]);

  const reload = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  const previous = result?.settled.status === 'success' ? result.settled.data : null;
  if (result?.key !== current) return { status: 'loading', previous, reload };
  return result.settled.status === 'error' ? { ...result.settled, previous, reload } : { ...result.settled, reload };
}

/**
 * The last data while a load runs again (a reload after a change): the page stays in place with
 * its notices ("saved") and its focus, instead of blinking through "loading" and mounting afresh.
 * A page whose forms start from the data keys them by what they show, so that another record
 * arriving mounts them afresh.
 */
export function keepWhileReloading<T>(state: LoadState<T>): LoadState<T> {
  return state.status === 'loading' && state.previous !== null
    ? { status: 'success', data: state.previous, reload: state.reload }
    : state;
}
