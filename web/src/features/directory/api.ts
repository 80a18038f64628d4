import {
  DepartmentResponseSchema,
  InstallationResponseSchema,
  TenantResponseSchema,
  type DepartmentResponse,
} from '@amtsraum/shared';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const segment = encodeURIComponent;
const tenantPath = (tenant: string) => `/api/tenants/${segment(tenant)}`;
const departmentPath = (tenant: string, department: string) =>
  `${tenantPath(tenant)}/departments/${segment(department)}`;

export function loadDepartment(tenant: string, department: string, signal?: AbortSignal): Promise<DepartmentResponse> {
  return getJson(departmentPath(tenant, department), DepartmentResponseSchema, { language: currentLocale(), signal });
}

export const useInstallation = () =>
  useLoad('installation', (signal) =>
    getJson('/api/tenants', InstallationResponseSchema, { language: currentLocale(), signal }),
  );

export const useTenant = (tenant: string) =>
  useLoad(`tenant:${tenant}`, (signal) =>
    getJson(tenantPath(tenant), TenantResponseSchema, { language: currentLocale(), signal }),
  );

export const useDepartment = (tenant: string, department: string) =>
  useLoad(`department:${tenant}/${department}`, (signal) => loadDepartment(tenant, department, signal));
