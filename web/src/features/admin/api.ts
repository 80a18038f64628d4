import {
  AdminClosureSchema,
  AdminDepartmentListSchema,
  AdminDepartmentSchema,
  ArchivePreviewSchema,
  ArchiveResultSchema,
  DepartmentClosureListSchema,
  AdminClosureListSchema,
  HolidayPrefillResultSchema,
  StaffMeSchema,
  TenantSettingsSchema,
  type ArchiveRequest,
  type ClosureCreate,
  type Resolution,
  type DepartmentCreate,
  type DepartmentUpdate,
  type TenantSettingsUpdate,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { sendChange } from '../../lib/collisions';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

export const tenantBase = (tenant: string) => `/api/admin/tenants/${segment(tenant)}`;
export const departmentBase = (tenant: string, department: string) =>
  `${tenantBase(tenant)}/departments/${segment(department)}`;

export const useAdminMe = () =>
  useLoad('admin-me', (signal) => getJson('/api/staff/me', StaffMeSchema, { ...options(), signal }));

// The municipality

export const useTenantSettings = (tenant: string) =>
  useLoad(`admin-tenant:${tenant}`, (signal) =>
    getJson(tenantBase(tenant), TenantSettingsSchema, { ...options(), signal }),
  );

export const updateTenantSettings = (tenant: string, body: TenantSettingsUpdate) =>
  sendJson('PATCH', tenantBase(tenant), body, TenantSettingsSchema, options());

export const useTenantDepartments = (tenant: string) =>
  useLoad(`admin-departments:${tenant}`, (signal) =>
    getJson(`${tenantBase(tenant)}/departments`, AdminDepartmentListSchema, { ...options(), signal }),
  );

export const createDepartment = (tenant: string, body: DepartmentCreate) =>
  sendJson('POST', `${tenantBase(tenant)}/departments`, body, AdminDepartmentSchema, options());

export const useTenantClosures = (tenant: string) =>
  useLoad(`admin-tenant-closures:${tenant}`, (signal) =>
    getJson(`${tenantBase(tenant)}/closures`, AdminClosureListSchema, { ...options(), signal }),
  );

/** Refused with a CollisionError (lib/collisions.ts) while a holiday added has bookings without `resolutions`. */
export const prefillHolidays = (tenant: string, year: number, resolutions?: Record<string, Resolution>) =>
  sendChange('POST', `${tenantBase(tenant)}/closures/holidays`, { year, resolutions }, HolidayPrefillResultSchema);

/** `scope`: the municipality's path (tenant-wide) or a department's. */
/** Refused with a CollisionError (lib/collisions.ts) while its days have bookings without `body.resolutions`. */
export const addClosure = (scope: string, body: ClosureCreate) =>
  sendChange('POST', `${scope}/closures`, body, AdminClosureSchema);

export const removeClosure = (scope: string, closureId: string) =>
  sendForNothing('DELETE', `${scope}/closures/${segment(closureId)}`, undefined, options());

// One department

export const useAdminDepartment = (tenant: string, department: string) =>
  useLoad(`admin-department:${tenant}/${department}`, (signal) =>
    getJson(departmentBase(tenant, department), AdminDepartmentSchema, { ...options(), signal }),
  );

export const updateDepartment = (tenant: string, department: string, body: DepartmentUpdate) =>
  sendJson('PATCH', departmentBase(tenant, department), body, AdminDepartmentSchema, options());

export const useDepartmentClosures = (tenant: string, department: string) =>
  useLoad(`admin-department-closures:${tenant}/${department}`, (signal) =>
    getJson(`${departmentBase(tenant, department)}/closures`, DepartmentClosureListSchema, { ...options(), signal }),
  );

export const getArchivePreview = (tenant: string, department: string) =>
  getJson(`${departmentBase(tenant, department)}/archive-preview`, ArchivePreviewSchema, options());

export const archiveDepartment = (tenant: string, department: string, body: ArchiveRequest) =>
  sendJson('POST', `${departmentBase(tenant, department)}/archive`, body, ArchiveResultSchema, options());
