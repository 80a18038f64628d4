import { AuditPageSchema, StaffMeSchema, type AuditPage } from '@amtsraum/shared';
import { ApiError, getJson, problemOf } from '../../lib/api';
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

/**
 * Fetches the CSV export at `path` and hands it to the browser to save, under the server's name
 * for it. Fetched rather than followed as a link, so that a refusal (the session ended, the right
 * taken while the page was open) reaches the page as an ApiError instead of a saved error file.
 */
export async function saveAuditCsv(path: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { 'Accept-Language': currentLocale() } });
  } catch (error) {
    throw new ApiError('network_error', null, undefined, { cause: error });
  }
  if (!response.ok) throw await problemOf(response);
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'audit.csv';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // The download has its own copy once it started.
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 60_000);
}
