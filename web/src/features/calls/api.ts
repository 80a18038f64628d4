import {
  CallJoinResponseSchema,
  CitizenVisitResponseSchema,
  DepartmentResponseSchema,
  type CallJoinResponse,
} from '@amtsraum/shared';
import { getJson, sendForNothing, sendJson } from '../app/api';
import { currentLocale } from '../app/i18n';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

/** The server's grant for this visit's call, and the transport it chose. 403 `forbidden` otherwise. */
export function joinCall(visitId: string): Promise<CallJoinResponse> {
  return sendJson('POST', `/api/calls/${segment(visitId)}/join`, undefined, CallJoinResponseSchema, options());
}

/** LiveKit calls: the clerk lets the citizen share their screen, or stops them. */
export function allowCitizenScreenShare(visitId: string, allowed: boolean): Promise<void> {
  return sendForNothing('POST', `/api/calls/${segment(visitId)}/screen-share`, { allowed }, options());
}

/** Finishes the visit, which ends its call for everyone. */
export function finishVisit(departmentId: string, visitId: string): Promise<void> {
  return sendForNothing(
    'POST',
    `/api/staff/departments/${segment(departmentId)}/visits/${segment(visitId)}/finish`,
    undefined,
    options(),
  );
}

/** The citizen's own visit (by the visit cookie), for the closing page. */
export function loadOwnVisit(signal: AbortSignal) {
  return getJson('/api/visit', CitizenVisitResponseSchema, { ...options(), signal });
}

export function loadDepartment(tenant: string, department: string, signal: AbortSignal) {
  return getJson(`/api/tenants/${segment(tenant)}/departments/${segment(department)}`, DepartmentResponseSchema, {
    ...options(),
    signal,
  });
}
