import {
  AbsenceSchema,
  AdminServiceSchema,
  AdminServicesResponseSchema,
  AvailabilityResponseSchema,
  BookingRulesSchema,
  ChangeResultSchema,
  CollisionSchema,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  ResolvedSchema,
  WeekViewSchema,
  type AbsenceInput,
  type BookingRules,
  type Collision,
  type CreateService,
  type HoursChange,
  type ServiceInput,
} from '@amtsraum/shared';
import { safeParse, z } from 'zod/mini';
import { ApiError, getJson, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

export interface DepartmentRef {
  tenant: string;
  department: string;
}

const base = ({ tenant, department }: DepartmentRef) =>
  `/api/admin/tenants/${encodeURIComponent(tenant)}/departments/${encodeURIComponent(department)}`;
const options = () => ({ language: currentLocale() });

export const useServices = (ref: DepartmentRef) =>
  useLoad(`offer:services:${base(ref)}`, (signal) =>
    getJson(`${base(ref)}/services`, AdminServicesResponseSchema, { ...options(), signal }),
  );

const ServiceAnswer = z.object({ service: AdminServiceSchema });

export const createService = (ref: DepartmentRef, input: CreateService) =>
  sendJson('POST', `${base(ref)}/services`, input, ServiceAnswer, options());
export const updateService = (ref: DepartmentRef, id: string, input: ServiceInput) =>
  sendJson('PUT', `${base(ref)}/services/${id}`, input, ServiceAnswer, options());
export const archiveService = (ref: DepartmentRef, id: string, archived: boolean) =>
  sendJson('POST', `${base(ref)}/services/${id}/${archived ? 'archive' : 'restore'}`, {}, ServiceAnswer, options());
export const reorderServices = (ref: DepartmentRef, ids: string[]) =>
  sendJson('PUT', `${base(ref)}/services/order`, { ids }, AdminServicesResponseSchema, options());

const RulesAnswer = z.object({ rules: BookingRulesSchema });
export const useBookingRules = (ref: DepartmentRef) =>
  useLoad(`offer:rules:${base(ref)}`, (signal) =>
    getJson(`${base(ref)}/booking-rules`, RulesAnswer, { ...options(), signal }),
  );
export const saveBookingRules = (ref: DepartmentRef, rules: BookingRules) =>
  sendJson('PUT', `${base(ref)}/booking-rules`, rules, RulesAnswer, options());

export const useAvailability = (ref: DepartmentRef, version: number) =>
  useLoad(`offer:availability:${base(ref)}:${String(version)}`, (signal) =>
    getJson(`${base(ref)}/availability`, AvailabilityResponseSchema, { ...options(), signal }),
  );

export const useWeek = (ref: DepartmentRef, from: string, version: number) =>
  useLoad(`offer:week:${base(ref)}:${from}:${String(version)}`, (signal) =>
    getJson(`${base(ref)}/availability/week?from=${from}`, WeekViewSchema, { ...options(), signal }),
  );

/** A change refused with 409 availability_collision: the appointments it would hit. */
export class CollisionError extends Error {
  constructor(readonly collisions: Collision[]) {
    super('availability_collision');
    this.name = 'CollisionError';
  }
}

const CollisionProblemSchema = z.object({
  code: z.literal('availability_collision'),
  collisions: z.array(CollisionSchema),
});

/**
 * Sends a change that may collide with bookings. The collisions travel in the 409 problem beside
 * its code; they are read here rather than by lib/api.ts, whose problem schema is on the door
 * page's budget (issue 14).
 */
async function sendChange<T>(
  method: 'POST' | 'PUT',
  path: string,
  body: unknown,
  schema: z.ZodMiniType<T>,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: `application/json, ${PROBLEM_CONTENT_TYPE}`,
        'Accept-Language': currentLocale(),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError('network_error', null, undefined, { cause: error });
  }
  const json: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const parsed = safeParse(schema, json);
    if (parsed.success) return parsed.data;
    throw new ApiError('invalid_response', response.status);
  }
  const collision = safeParse(CollisionProblemSchema, json);
  if (collision.success) throw new CollisionError(collision.data.collisions);
  const problem = safeParse(ProblemSchema, json);
  if (!problem.success) throw new ApiError('internal_error', response.status);
  const { code, requestId, errors } = problem.data;
  throw new ApiError(code, response.status, requestId, undefined, errors ? { fieldErrors: errors } : {});
}

export const saveHours = (ref: DepartmentRef, staffId: string, change: HoursChange) =>
  sendChange('PUT', `${base(ref)}/availability/${staffId}`, change, ChangeResultSchema);

const AbsenceAnswer = z.object({ absence: AbsenceSchema, resolved: z.array(ResolvedSchema) });
export const addAbsence = (ref: DepartmentRef, staffId: string, input: AbsenceInput) =>
  sendChange('POST', `${base(ref)}/availability/${staffId}/absences`, input, AbsenceAnswer);
export const removeAbsence = (ref: DepartmentRef, staffId: string, absenceId: string) =>
  sendForNothing('DELETE', `${base(ref)}/availability/${staffId}/absences/${absenceId}`, undefined, options());
