import {
  addDays,
  dayRange,
  formatCivilDate,
  parseCivilDate,
  weekdayOf,
  zonedToInstant,
  type WeekView,
} from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { loadSlotInputs } from '../appointments/schedules.repo.js';
import { loadSlotPlanner } from '../appointments/slot-search.js';
import { closedDateSet, SLOT_STEP_MINUTES } from '../appointments/slots.js';
import type { OfficeScope } from '../directory/directory.repo.js';
import { departmentAppointments, listMembers, serviceNames } from './availability.repo.js';

const DAYS = 7;

/**
 * The week view (issue 15, item 3): per day and clerk the bookable hours minus absences and
 * closures, the booked appointments, and the free capacity. The capacity is what the slot search
 * itself finds (slots.ts, through loadSlotPlanner): free quarter hours a clerk could still book
 * from now on within the horizon, so the page and the booking calendar never disagree.
 */
export async function weekView(db: Db, office: OfficeScope, fromText: string, now: Date): Promise<WeekView> {
  const { tenant, department } = office;
  const timeZone = tenant.timeZone;
  const from = parseCivilDate(fromText);
  const to = addDays(from, DAYS - 1);
  const range = dayRange(from, to, timeZone);
  const [members, inputs, booked, planner] = await Promise.all([
    listMembers(db, department.id),
    loadSlotInputs(db, {
      tenantId: tenant.id,
      departmentId: department.id,
      range,
      fromDate: formatCivilDate(from),
      toDate: formatCivilDate(to),
    }),
    departmentAppointments(db, department.id, range),
    loadSlotPlanner(db, { department, timeZone, durationMinutes: SLOT_STEP_MINUTES, now, actor: 'staff', from, to }),
  ]);
  const names = await serviceNames(db, [...new Set(booked.flatMap((a) => a.serviceIds))]);
  const closed = closedDateSet(inputs.closures, from, to);
  const schedules = new Map(inputs.clerks.map((clerk) => [clerk.staffId, clerk]));
  // Clerks with hours here first, in name order; members without hours after them.
  const clerks = [...members].sort((a, b) => Number(!schedules.has(a.id)) - Number(!schedules.has(b.id)));

  return {
    timeZone,
    days: Array.from({ length: DAYS }, (_, i) => {
      const date = addDays(from, i);
      const dateText = formatCivilDate(date);
      const isClosed = closed.has(dateText);
      const day = dayRange(date, date, timeZone);
      const free = new Map<string, number>();
      for (const slot of planner.day(date).slots) {
        for (const id of slot.staffIds) free.set(id, (free.get(id) ?? 0) + SLOT_STEP_MINUTES);
      }
      return {
        date: dateText,
        closed: isClosed,
        clerks: clerks.map((member) => {
          const schedule = schedules.get(member.id);
          const windows = isClosed
            ? []
            : (schedule?.windows ?? [])
                .filter((w) => w.weekday === weekdayOf(date))
                .map((w) => ({ startsAt: at(date, w.startsAt, timeZone), endsAt: at(date, w.endsAt, timeZone) }));
          const ranges = windows.flatMap((w) => subtract(w, schedule?.absences ?? []));
          return {
            staffId: member.id,
            name: member.name,
            ranges: ranges.map((r) => ({ startsAt: r.startsAt.toISOString(), endsAt: r.endsAt.toISOString() })),
            freeMinutes: free.get(member.id) ?? 0,
            appointments: booked
              .filter((a) => a.staffId === member.id && a.startsAt >= day.from && a.startsAt < day.to)
              .map((a) => ({
                id: a.id,
                startsAt: a.startsAt.toISOString(),
                endsAt: a.endsAt.toISOString(),
                services: a.serviceIds.flatMap((id) => names.get(id) ?? []),
                citizenName: a.citizenName,
              })),
          };
        }),
      };
    }),
  };
}

function at(date: ReturnType<typeof parseCivilDate>, clock: string, timeZone: string): Date {
  const [hour, minute] = clock.split(':').map(Number) as [number, number];
  return zonedToInstant({ ...date, hour, minute }, timeZone);
}

interface Span {
  startsAt: Date;
  endsAt: Date;
}

/** `span` minus every one of `holes`, as the pieces left, in order. */
export function subtract(span: Span, holes: Span[]): Span[] {
  let pieces = [span];
  for (const hole of holes) {
    pieces = pieces.flatMap((piece) => {
      if (hole.endsAt <= piece.startsAt || hole.startsAt >= piece.endsAt) return [piece];
      const left = hole.startsAt > piece.startsAt ? [{ startsAt: piece.startsAt, endsAt: hole.startsAt }] : [];
      const right = hole.endsAt < piece.endsAt ? [{ startsAt: hole.endsAt, endsAt: piece.endsAt }] : [];
      return [...left, ...right];
    });
  }
  return pieces;
}
