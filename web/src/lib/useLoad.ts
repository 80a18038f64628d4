import { useCallback, useEffect, useState } from 'react';
import type { ZodType } from 'zod';
import { ApiError, getJson } from './api';
import { currentLocale } from './i18n';

export type ApiState<T> =
  { status: 'loading' } | { status: 'success'; data: T } | { status: 'error'; error: ApiError; retry: () => void };

type Settled<T> = { status: 'success'; data: T } | { status: 'error'; error: ApiError };

/**
 * Loads `path` once per path (and per retry). Deliberately not per language: localized texts
 * arrive whole, so switching language re-renders without a refetch.
 */
export function useApi<T>(path: string, schema: ZodType<T>): ApiState<T> {
  const [attempt, setAttempt] = useState(0);
  const key = `${String(attempt)}:${path}`;
  const [result, setResult] = useState<{ key: string; settled: Settled<T> } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const request = `${String(attempt)}:${path}`;
    getJson(path, schema, { signal: controller.signal, language: currentLocale() }).then(
      (data) => {
        setResult({ key: request, settled: { status: 'success', data } });
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        const apiError =
          error instanceof ApiError ? error : new ApiError('invalid_response', null, undefined, { cause: error });
        setResult({ key: request, settled: { status: 'error', error: apiError } });
      },
    );
    return () => {
      controller.abort();
    };
  }, [path, schema, attempt]);

  const retry = useCallback(() => {
    setAttempt((n) => n + 1);
  }, []);

  if (result?.key !== key) return { status: 'loading' };
  return result.settled.status === 'error' ? { ...result.settled, retry } : result.settled;
}
