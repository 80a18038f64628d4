import {
  AdmitProblemSchema,
  AdmitResponseSchema,
  ConsoleSnapshotSchema,
  CounterResponseSchema,
  OnsiteTicketResponseSchema,
  StaffAppointmentResponseSchema,
  StaffAppointmentsResponseSchema,
  StaffMeSchema,
  type BusyWith,
  type DoorSetting,
  type LoginRequest,
  type StaffBookingRequest,
  type StaffWalkInRequest,
} from '@amtsraum/shared';
import { safeParse } from 'zod/mini';
import { ApiError, getJson, problemOf, request, sendForNothing, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

// Signing in and out

export const useStaffMe = () =>
  useLoad('staff-me', (signal) => getJson('/api/staff/me', StaffMeSchema, { ...options(), signal }));

export function login(body: LoginRequest) {
  return sendJson('POST', '/api/staff/login', body, StaffMeSchema, options());
}

export function logout(): Promise<void> {
  return sendForNothing('POST', '/api/staff/logout', undefined, options());
}

// The door and the queue of one department

const departmentBase = (departmentId: string) => `/api/staff/departments/${segment(departmentId)}`;
const visitPath = (departmentId: string, visitId: string, action: string) =>
  `${departmentBase(departmentId)}/visits/${segment(visitId)}/${action}`;

/** The console's snapshot once, as the live connection sends it (another office of the clerk). */
export function loadConsole(departmentId: string) {
  return getJson(`${departmentBase(departmentId)}/console`, ConsoleSnapshotSchema, options());
}

export function setDoor(departmentId: string, state: DoorSetting['state']) {
  return sendJson('PUT', `${departmentBase(departmentId)}/door`, { state }, ConsoleSnapshotSchema, options());
}

/** `clerk_busy` with where the clerk's conversation is (AdmitProblemSchema). */
export class ClerkBusyError extends ApiError {
  constructor(
    error: ApiError,
    readonly busyWith: BusyWith,
  ) {
    super(error.code, error.status, error.requestId, { cause: error }, error.extras);
    this.name = 'ClerkBusyError';
  }
}

/** Admits one person, or (`next`) whoever is first in the queue. A refusal for a conversation elsewhere is a ClerkBusyError. */
export async function admit(departmentId: string, visitId: string | 'next') {
  const path =
    visitId === 'next' ? `${departmentBase(departmentId)}/admit-next` : visitPath(departmentId, visitId, 'admit');
  const response = await request('POST', path, undefined, options());
  if (response.ok) {
    const parsed = safeParse(AdmitResponseSchema, await response.json().catch(() => undefined));
    if (!parsed.success) throw new ApiError('invalid_response', response.status, undefined, { cause: parsed.error });
    return parsed.data;
  }
  const busy = safeParse(
    AdmitProblemSchema,
    await response
      .clone()
      .json()
      .catch(() => null),
  );
  const error = await problemOf(response);
  throw busy.success && busy.data.busyWith ? new ClerkBusyError(error, busy.data.busyWith) : error;
}

export function decline(departmentId: string, visitId: string, note: string): Promise<void> {
  return sendForNothing('POST', visitPath(departmentId, visitId, 'decline'), note ? { note } : {}, options());
}

/** Finishes the visit, which ends its call for everyone. */
export function finishVisit(departmentId: string, visitId: string): Promise<void> {
  return sendForNothing('POST', visitPath(departmentId, visitId, 'finish'), undefined, options());
}

// The hybrid office at the counter (issue 16)

/** This clerk's counter in the department; `version` reloads it after a change. */
export const useCounter = (departmentId: string, version: number) =>
  useLoad(`counter:${departmentId}:${String(version)}`, (signal) =>
    getJson(`${departmentBase(departmentId)}/counter`, CounterResponseSchema, { ...options(), signal }),
  );

export const counterActions = {
  setCounter: (departmentId: string, counterName: string) =>
    sendJson('PUT', `${departmentBase(departmentId)}/counter`, { counterName }, CounterResponseSchema, options()),
  /** Calls the clerk's on-site visit to their counter again. Answers 204. */
  recall: (departmentId: string, visitId: string) =>
    sendForNothing('POST', visitPath(departmentId, visitId, 'recall'), undefined, options()),
  /** The person called did not come. Answers 204. */
  noShow: (departmentId: string, visitId: string) =>
    sendForNothing('POST', visitPath(departmentId, visitId, 'no-show'), undefined, options()),
  /** "Ist da — einreihen": today's on-site appointment, its person at the counter, joins the queue. */
  checkIn: (departmentId: string, appointmentId: string) =>
    sendJson(
      'POST',
      `${departmentBase(departmentId)}/appointments/${segment(appointmentId)}/check-in`,
      undefined,
      OnsiteTicketResponseSchema,
      options(),
    ),
  /** A walk-in ticket for someone at the counter. */
  drawTicket: (departmentId: string, body: StaffWalkInRequest) =>
    sendJson('POST', `${departmentBase(departmentId)}/onsite-tickets`, body, OnsiteTicketResponseSchema, options()),
};

// Appointments of one department

const appointmentsBase = (departmentId: string) => `${departmentBase(departmentId)}/appointments`;
const appointmentPath = (departmentId: string, appointmentId: string, action: string) =>
  `${appointmentsBase(departmentId)}/${segment(appointmentId)}/${action}`;

/**
 * A day's appointments; `version` reloads when it changes (e.g. with each live snapshot).
 * `learnClock` takes the office's clock in the answer the moment it arrives: the console's today
 * and the calendar of a move go by it. (Passed in, not imported: this module is on the sign-in
 * page, which the appointments' clock would cost a chunk of its own.)
 */
export const useStaffAppointments = (
  departmentId: string,
  date: string,
  version: string,
  learnClock: (serverTime: string) => void,
) =>
  useLoad(`${departmentId}:${date}:${version}`, (signal) =>
    getJson(`${appointmentsBase(departmentId)}?date=${segment(date)}`, StaffAppointmentsResponseSchema, {
      ...options(),
      signal,
    }).then((answer) => {
      learnClock(answer.serverTime);
      return answer;
    }),
  );

/** A clerk's action on appointments; the answer is parsed, then the panel reloads the day. */
export const appointmentActions = {
  book: (departmentId: string, body: StaffBookingRequest) =>
    sendJson('POST', appointmentsBase(departmentId), body, StaffAppointmentResponseSchema, options()),
  cancel: (departmentId: string, appointmentId: string, note: string) =>
    sendJson(
      'POST',
      appointmentPath(departmentId, appointmentId, 'cancel'),
      note ? { note } : {},
      StaffAppointmentResponseSchema,
      options(),
    ),
  move: (departmentId: string, appointmentId: string, startsAt: string) =>
    sendJson(
      'POST',
      appointmentPath(departmentId, appointmentId, 'move'),
      { startsAt },
      StaffAppointmentResponseSchema,
      options(),
    ),
  /** Answers 204. */
  noShow: (departmentId: string, appointmentId: string) =>
    sendForNothing('POST', appointmentPath(departmentId, appointmentId, 'no-show'), undefined, options()),
};
