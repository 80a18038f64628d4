import {
  AbsenceSchema,
  AdminServiceSchema,
  AdminServicesResponseSchema,
  AvailabilityResponseSchema,
  BookingRulesSchema,
  ChangeResultSchema,
  ResolvedSchema,
  WeekViewSchema,
  type AbsenceInput,
  type BookingRules,
  type CreateService,
  type HoursChange,
  type ServiceInput,
} from '@amtsraum/shared';
import { z } from 'zod/mini';
import { getJson, sendForNothing, sendJson } from '../../lib/api';
import { sendChange } from '../../lib/collisions';
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

export const saveHours = (ref: DepartmentRef, staffId: string, change: HoursChange) =>
  sendChange('PUT', `${base(ref)}/availability/${staffId}`, change, ChangeResultSchema);

const AbsenceAnswer = z.object({ absence: AbsenceSchema, resolved: z.array(ResolvedSchema) });
export const addAbsence = (ref: DepartmentRef, staffId: string, input: AbsenceInput) =>
  sendChange('POST', `${base(ref)}/availability/${staffId}/absences`, input, AbsenceAnswer);
export const removeAbsence = (ref: DepartmentRef, staffId: string, absenceId: string) =>
  sendForNothing('DELETE', `${base(ref)}/availability/${staffId}/absences/${absenceId}`, undefined, options());
