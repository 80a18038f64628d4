import {
  CitizenVisitResponseSchema,
  OwnVisitResponseSchema,
  type CitizenVisit,
  type KnockRequest,
} from '@amtsraum/shared';
import { getJson, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

/** Knocks; the answer sets the visit cookie that names this browser's place from now on. */
export function knock(tenant: string, department: string, body: KnockRequest): Promise<unknown> {
  return sendJson(
    'POST',
    `/api/tenants/${segment(tenant)}/departments/${segment(department)}/knock`,
    body,
    CitizenVisitResponseSchema,
    options(),
  );
}

/** Gives up the place; the live message brings the new state. */
export function leave(): Promise<CitizenVisit> {
  return sendJson('POST', '/api/visit/leave', undefined, CitizenVisitResponseSchema, options()).then(
    ({ visit }) => visit,
  );
}

/** This browser's own visit (by the visit cookie), or null without one. */
export function loadOwnVisit(signal?: AbortSignal): Promise<CitizenVisit | null> {
  return getJson('/api/visit', OwnVisitResponseSchema, { ...options(), signal }).then(({ visit }) => visit);
}
