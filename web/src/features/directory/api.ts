import { DepartmentResponseSchema, InstallationResponseSchema, TenantResponseSchema } from '@amtsraum/shared';
import { useApi } from '../../app/useApi';

const segment = encodeURIComponent;

export const useInstallation = () => useApi('/api/tenants', InstallationResponseSchema);

export const useTenant = (tenant: string) => useApi(`/api/tenants/${segment(tenant)}`, TenantResponseSchema);

export const useDepartment = (tenant: string, department: string) =>
  useApi(`/api/tenants/${segment(tenant)}/departments/${segment(department)}`, DepartmentResponseSchema);
