import {
  ArriveResponseSchema,
  BookingInfoSchema,
  BookingResponseSchema,
  JoinViewResponseSchema,
  ManageResponseSchema,
  SlotsResponseSchema,
  type BookingRequest,
} from '@amtsraum/shared';
import { getJson, sendJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { useLoad } from '../../lib/useLoad';
import { learnServerTime } from './server-clock';

const segment = encodeURIComponent;
const options = () => ({ language: currentLocale() });

const departmentBase = (tenant: string, department: string) =>
  `/api/tenants/${segment(tenant)}/departments/${segment(department)}`;

/** Takes on the office's clock from an answer that carries it (server-clock.ts). */
function learned<T extends { serverTime: string }>(answer: T): T {
  learnServerTime(answer.serverTime);
  return answer;
}

/** A department's bookable services and booking rules; the calendar's "today" is the office's. */
export const useBookingInfo = (tenant: string, department: string) =>
  useLoad(`booking-info:${tenant}/${department}`, (signal) =>
    getJson(`${departmentBase(tenant, department)}/booking`, BookingInfoSchema, { ...options(), signal }).then(learned),
  );

export interface SlotQuery {
  services: string[];
  persons: number;
  /** First day (YYYY-MM-DD, the municipality's calendar). */
  from: string;
  days: number;
}

function slotsPath(tenant: string, department: string, query: SlotQuery): string {
  const search = new URLSearchParams({
    services: query.services.join(','),
    persons: String(query.persons),
    from: query.from,
    days: String(query.days),
  }).toString();
  return `${departmentBase(tenant, department)}/slots?${search}`;
}

/** Free slots for the chosen services and persons, day by day from `from`. */
export function useSlots(tenant: string, department: string, query: SlotQuery) {
  const path = slotsPath(tenant, department, query);
  return useLoad(path, (signal) => getJson(path, SlotsResponseSchema, { ...options(), signal }));
}

/** The free slots of the days asked for, in one list (e.g. whether a slot kept is still free). */
export async function freeSlotsOn(tenant: string, department: string, query: SlotQuery, signal: AbortSignal) {
  const { days } = await getJson(slotsPath(tenant, department, query), SlotsResponseSchema, { ...options(), signal });
  return days.flatMap((day) => day.slots);
}

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

/** Sends a manage request; the office's clock in the answer is taken on (server-clock.ts). */
async function sendManage(path: string, body: object) {
  return learned(await sendJson('POST', path, body, ManageResponseSchema, options())).appointment;
}

export const manage = (token: string) => sendManage('/api/appointments/manage', { token });

export const cancelAppointment = (token: string) => sendManage('/api/appointments/cancel', { token });

export const rebook = (token: string, startsAt: string) => sendManage('/api/appointments/rebook', { token, startsAt });

export function arrive(token: string) {
  return sendJson('POST', '/api/appointments/arrive', { token }, ArriveResponseSchema, options());
}

/** The appointment behind a manage link: a POST, so the token never goes into an address. */
export const useAppointment = (token: string) => useLoad(`manage:${token}`, () => manage(token));

/**
 * The join page's view of the appointment behind its token (join-only or manage): the time and the
 * office, and whether the token also opens the manage page.
 */
export const useJoinView = (token: string) =>
  useLoad(
    `join-view:${token}`,
    async () =>
      learned(await sendJson('POST', '/api/appointments/join-view', { token }, JoinViewResponseSchema, options()))
        .appointment,
  );

/** Arrives for the appointment behind a join link: from the door's opening, a place in the queue. */
export const useArrival = (token: string) => useLoad(`arrive:${token}`, () => arrive(token));
