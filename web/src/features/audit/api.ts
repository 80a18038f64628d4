import { AuditPageSchema, StaffMeSchema, type AuditPage } from '@amtsraum/shared';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

/** The filter as the form holds it: empty text means "any". */
export interface AuditFilter {
  from: string;
  to: string;
  action: string;
  actor: string;
  department: string;
  visit: string;
}

export const EMPTY_FILTER: AuditFilter = { from: '', to: '', action: '', actor: '', department: '', visit: '' };

/**
 * The API path of the log in view: a municipality's whole log, or one department's (what a
 * department admin may see).
 */
export function auditBase(tenant: string, departmentSlug: string | null): string {
  const base = `/api/admin/tenants/${encodeURIComponent(tenant)}`;
  return departmentSlug ? `${base}/departments/${encodeURIComponent(departmentSlug)}/audit` : `${base}/audit`;
}

export function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value) params.set(key, value);
  return params.toString();
}

export const useStaffMe = () =>
  useLoad('audit:me', (signal) => getJson('/api/staff/me', StaffMeSchema, { language: currentLocale(), signal }));

export const useAuditPage = (path: string) =>
  useLoad(`audit:${path}`, (signal) => getJson(path, AuditPageSchema, { language: currentLocale(), signal }));

export const fetchAuditPage = (path: string): Promise<AuditPage> =>
  getJson(path, AuditPageSchema, { language: currentLocale() });
