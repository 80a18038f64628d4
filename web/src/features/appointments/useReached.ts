import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../../app/api';

export type RequestState<T> =
  { status: 'loading' } | { status: 'success'; data: T } | { status: 'error'; error: ApiError; retry: () => void };

type Settled<T> = { status: 'success'; data: T } | { status: 'error'; error: ApiError };

/**
 * Runs `request` for `token` (a POST: the token never goes into an address) once per token and
 * per retry. `request` must be stable (a module function).
 */
export function useTokenRequest<T>(token: string, request: (token: string) => Promise<T>): RequestState<T> {
  const [attempt, setAttempt] = useState(0);
  const key = `${String(attempt)}:${token}`;
  const [result, setResult] = useState<{ key: string; settled: Settled<T> } | null>(null);

  useEffect(() => {
    let active = true;
    const current = `${String(attempt)}:${token}`;
    request(token).then(
      (data) => {
        if (active) setResult({ key: current, settled: { status: 'success', data } });
      },
      (error: unknown) => {
        if (active) setResult({ key: current, settled: { status: 'error', error: toApiError(error) } });
      },
    );
    return () => {
      active = false;
    };
  }, [token, attempt, request]);

  const retry = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  if (result?.key !== key) return { status: 'loading' };
  return result.settled.status === 'error' ? { ...result.settled, retry } : result.settled;
}

/** Whether the instant `iso` has passed; turns true by itself when it does (a timer, not polling). */
export function useReached(iso: string): boolean {
  const at = new Date(iso).getTime();
  const [reached, setReached] = useState<number | null>(() => (Date.now() >= at ? at : null));
  useEffect(() => {
    const wait = Math.max(0, at - Date.now());
    if (wait > 2_000_000_000) return; // beyond a timer's range (weeks): a reload will tell
    const timer = window.setTimeout(() => {
      setReached(at);
    }, wait);
    return () => {
      window.clearTimeout(timer);
    };
  }, [at]);
  return reached === at;
}
