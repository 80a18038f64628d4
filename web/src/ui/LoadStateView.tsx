import type { ReactNode } from 'react';
import type { LoadState } from '../lib/useLoad';
import { ErrorPage } from './ErrorPage';
import { LoadingState } from './LoadingState';
import { NotFoundPage } from './NotFoundPage';

interface LoadStateViewProps<T> {
  state: LoadState<T>;
  /** The tenant slug of the URL, for the way back from an unknown department. */
  tenantSlug?: string;
  children: (data: T) => ReactNode;
}

/** Loading, not found (by the API's stable codes), other failures, or the page itself. */
export function LoadStateView<T>({ state, tenantSlug, children }: LoadStateViewProps<T>) {
  if (state.status === 'loading') return <LoadingState />;
  if (state.status === 'success') return children(state.data);
  switch (state.error.code) {
    case 'tenant_not_found':
      return <NotFoundPage reason="tenant" />;
    case 'department_not_found':
      return <NotFoundPage reason="department" {...(tenantSlug ? { tenantSlug } : {})} />;
    case 'route_not_found':
    case 'entry_not_found':
      return <NotFoundPage reason="route" />;
    default:
      return <ErrorPage error={state.error} retry={state.reload} />;
  }
}
