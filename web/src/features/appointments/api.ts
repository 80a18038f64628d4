import {
  ArriveResponseSchema,
  BookingResponseSchema,
  ManageResponseSchema,
  StaffAppointmentSchema,
  StaffAppointmentsResponseSchema,
  type BookingRequest,
  type StaffBookingRequest,
} from '@amtsraum/shared';
import { z } from 'zod';
import { getJson, sendForNothing, sendJson } from '../../app/api';
import { currentLocale } from '../../app/i18n';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

export const departmentBase = (tenant: string, department: string) =>
  `/api/tenants/${segment(tenant)}/departments/${segment(department)}`;

export const bookingInfoPath = (tenant: string, department: string) => `${departmentBase(tenant, department)}/booking`;

/** The booking page of a department, for links. */
export const bookingPagePath = (tenant: string, department: string) => `/${tenant}/${department}/termin`;

export async function book(tenant: string, department: string, body: BookingRequest) {
  const { appointment } = await sendJson(
    'POST',
    `${departmentBase(tenant, department)}/appointments`,
    body,
    BookingResponseSchema,
    options(),
  );
  return appointment;
}

// The token from the e-mail travels in POST bodies only, never in an address (issue 6).

export async function manage(token: string) {
  return (await sendJson('POST', '/api/appointments/manage', { token }, ManageResponseSchema, options())).appointment;
}

export async function cancelAppointment(token: string) {
  return (await sendJson('POST', '/api/appointments/cancel', { token }, ManageResponseSchema, options())).appointment;
}

export async function rebook(token: string, startsAt: string) {
  return (await sendJson('POST', '/api/appointments/rebook', { token, startsAt }, ManageResponseSchema, options()))
    .appointment;
}

export function arrive(token: string) {
  return sendJson('POST', '/api/appointments/arrive', { token }, ArriveResponseSchema, options());
}

// Clerks

const consoleBase = (departmentId: string) => `/api/staff/departments/${segment(departmentId)}/appointments`;

export function fetchStaffAppointments(departmentId: string, date: string, signal: AbortSignal) {
  return getJson(`${consoleBase(departmentId)}?date=${segment(date)}`, StaffAppointmentsResponseSchema, {
    signal,
    language: currentLocale(),
  });
}

const StaffAppointmentResponseSchema = z.object({ appointment: StaffAppointmentSchema });

/** A clerk's action; the answer is parsed, then the panel reloads the day. */
export const staffActions = {
  book: (departmentId: string, body: StaffBookingRequest) =>
    sendJson('POST', consoleBase(departmentId), body, StaffAppointmentResponseSchema, options()),
  cancel: (departmentId: string, appointmentId: string, note: string) =>
    sendJson(
      'POST',
      `${consoleBase(departmentId)}/${segment(appointmentId)}/cancel`,
      note ? { note } : {},
      StaffAppointmentResponseSchema,
      options(),
    ),
  move: (departmentId: string, appointmentId: string, startsAt: string) =>
    sendJson(
      'POST',
      `${consoleBase(departmentId)}/${segment(appointmentId)}/move`,
      { startsAt },
      StaffAppointmentResponseSchema,
      options(),
    ),
  /** Answers 204. */
  noShow: (departmentId: string, appointmentId: string) =>
    sendForNothing('POST', `${consoleBase(departmentId)}/${segment(appointmentId)}/no-show`, undefined, options()),
};
