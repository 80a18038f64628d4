import type { ReactNode } from 'react';
import { useParams } from '../../lib/router';
import type { LoadState } from '../../lib/useLoad';
import { LoadingState } from '../../ui/LoadingState';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { useDepartment, useTenant } from './api';

/**
 * An admin page, or the not-found page when it was `refused` for a mistyped address. The admin API
 * refuses an unknown municipality or department as it does a known one without the right, so that
 * it does not tell which exist. The public directory tells that anyway: asked here once refused,
 * the municipality and department of the page's address show the not-found page when unknown, and
 * `children` (the page with its refusal) when they exist.
 */
export function NotFoundOr({ refused = true, children }: { refused?: boolean; children: ReactNode }) {
  const { tenant, department } = useParams();
  if (!refused || !tenant) return <>{children}</>;
  return department ? (
    <DepartmentKnown tenant={tenant} department={department}>
      {children}
    </DepartmentKnown>
  ) : (
    <TenantKnown tenant={tenant}>{children}</TenantKnown>
  );
}

function TenantKnown({ tenant, children }: { tenant: string; children: ReactNode }) {
  return <KnownOr state={useTenant(tenant)}>{children}</KnownOr>;
}

function DepartmentKnown({
  tenant,
  department,
  children,
}: {
  tenant: string;
  department: string;
  children: ReactNode;
}) {
  return (
    <KnownOr state={useDepartment(tenant, department)} tenantSlug={tenant}>
      {children}
    </KnownOr>
  );
}

function KnownOr({
  state,
  tenantSlug,
  children,
}: {
  state: LoadState<unknown>;
  tenantSlug?: string;
  children: ReactNode;
}) {
  if (state.status === 'loading') return <LoadingState />;
  const code = state.status === 'error' ? state.error.code : null;
  if (code === 'tenant_not_found') return <NotFoundPage reason="tenant" />;
  if (code === 'department_not_found')
    return <NotFoundPage reason="department" {...(tenantSlug ? { tenantSlug } : {})} />;
  return <>{children}</>;
}
