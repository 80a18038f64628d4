import {
  addDays,
  parseCivilDate,
  weekdayOf,
  zonedParts,
  zonedToInstant,
  type Absence,
  type AbsenceInput,
  type AvailabilityResponse,
  type Collision,
  type HoursChange,
  type Resolution,
  type Resolved,
  type WeeklyRange,
} from '@amtsraum/shared';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { staffAbsences, staffAvailability } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { BookingCtx } from '../appointments/booking-ctx.js';
import { cancelForAdmin } from '../appointments/cancel.js';
import { findAppointmentWithContext, type AppointmentRow } from '../appointments/appointments.repo.js';
import { moveForAdmin } from '../appointments/move.js';
import { loadSlotPlanner } from '../appointments/slot-search.js';
import { civilDateAt } from '../appointments/slots.js';
import type { OfficeScope } from '../offer/services.service.js';
import {
  bookedAppointmentsOf,
  departmentsOf,
  findMember,
  listAbsences,
  listMembers,
  listRanges,
  serviceNames,
  type AbsenceRow,
} from './availability.repo.js';

/**
 * Clerks' weekly hours per department and their absences (issue 15, item 3), and the rule that a
 * change never breaks a booking silently (item 4): a change that would leave booked appointments
 * outside the clerk's availability is refused with 409 `availability_collision` and the list,
 * unless the request says for each whether to move it (to a given or the next free slot), cancel
 * it (both mail the citizen, through move.ts and cancel.ts) or keep it as an exception. Plain
 * functions over `ctx` and validated values, for the screens and an installation file alike.
 */

/** Who makes the change. `administered`: departments whose appointments they may see in full and change. */
export interface Changer {
  staffId: string;
  administered: ReadonlySet<string>;
  /** False for a clerk entering their own absence: a collision is refused, never resolved. */
  mayResolve: boolean;
}

export type AvailabilityCtx = BookingCtx;

export function toAbsence(row: AbsenceRow): Absence {
  return {
    id: row.id,
    startsAt: row.startsAt.toISOString(),
    endsAt: row.endsAt.toISOString(),
    reason: row.reason,
  };
}

export async function getAvailability(db: Db, office: OfficeScope, now: Date): Promise<AvailabilityResponse> {
  const members = await listMembers(db, office.department.id);
  const ids = members.map((member) => member.id);
  const [ranges, absences] = await Promise.all([listRanges(db, office.department.id, ids), listAbsences(db, ids, now)]);
  return {
    timeZone: office.tenant.timeZone,
    clerks: members.map((member) => ({
      staffId: member.id,
      name: member.name,
      ranges: ranges
        .filter((range) => range.staffId === member.id)
        .map(({ weekday, startsAt, endsAt }) => ({ weekday, startsAt, endsAt })),
      absences: absences.filter((absence) => absence.staffId === member.id).map(toAbsence),
    })),
  };
}

async function memberOrNotFound(db: Db, departmentId: string, staffId: string) {
  const member = await findMember(db, departmentId, staffId);
  if (!member) throw new AppError('route_not_found', { internal: 'not a member of this department' });
  return member;
}

/** Whether [startsAt, endsAt) lies inside one of `ranges` on its day (municipality's wall clock). */
export function fitsIn(ranges: WeeklyRange[], startsAt: Date, endsAt: Date, timeZone: string): boolean {
  const parts = zonedParts(startsAt, timeZone);
  const weekday = weekdayOf(parts);
  return ranges.some((range) => {
    if (range.weekday !== weekday) return false;
    const [sh, sm] = range.startsAt.split(':').map(Number) as [number, number];
    const [eh, em] = range.endsAt.split(':').map(Number) as [number, number];
    const from = zonedToInstant({ ...parts, hour: sh, minute: sm }, timeZone).getTime();
    const to = zonedToInstant({ ...parts, hour: eh, minute: em }, timeZone).getTime();
    return from <= startsAt.getTime() && endsAt.getTime() <= to;
  });
}

type Hit = Awaited<ReturnType<typeof bookedAppointmentsOf>>[number];

async function toCollisions(db: Db, hits: Hit[], changer: Changer): Promise<Collision[]> {
  const names = await serviceNames(db, [...new Set(hits.flatMap((hit) => hit.appointment.serviceIds))]);
  return hits.map(({ appointment, departmentSlug, clerkName }) => {
    const theirs = changer.administered.has(appointment.departmentId);
    return {
      appointmentId: appointment.id,
      startsAt: appointment.startsAt.toISOString(),
      endsAt: appointment.endsAt.toISOString(),
      departmentSlug,
      services: appointment.serviceIds.flatMap((id) => names.get(id) ?? []),
      clerkName,
      citizenName: theirs ? appointment.citizenName : null,
      resolvable: theirs && changer.mayResolve,
    };
  });
}

/**
 * Refuses with the collisions unless each has a resolution it may take; returns them with their
 * resolution, to be carried out once the change is stored.
 */
async function checkResolutions(
  db: Db,
  hits: Hit[],
  changer: Changer,
  resolutions: Record<string, Resolution> | undefined,
): Promise<{ appointment: AppointmentRow; resolution: Resolution }[]> {
  if (hits.length === 0) return [];
  const collisions = await toCollisions(db, hits, changer);
  const unresolved = collisions.some((collision) => !resolutions?.[collision.appointmentId]);
  if (unresolved || !changer.mayResolve) {
    throw new AppError('availability_collision', { extra: { collisions } });
  }
  for (const collision of collisions) {
    if (!collision.resolvable && resolutions![collision.appointmentId]!.action !== 'keep') {
      throw new AppError('forbidden', { internal: 'resolving an appointment of a department not administered' });
    }
  }
  return hits.map(({ appointment }) => ({ appointment, resolution: resolutions![appointment.id]! }));
}

/** Carries out the resolutions after the change: each on its own, so one refused move does not undo the rest. */
async function resolve(
  ctx: AvailabilityCtx,
  changer: Changer,
  planned: { appointment: AppointmentRow; resolution: Resolution }[],
): Promise<Resolved[]> {
  const resolved: Resolved[] = [];
  for (const { appointment, resolution } of planned) {
    if (resolution.action === 'keep') {
      resolved.push({ appointmentId: appointment.id, outcome: 'kept' });
      continue;
    }
    const found = await findAppointmentWithContext(ctx.db, appointment.id);
    if (!found || found.appointment.state !== 'booked') {
      resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
      continue;
    }
    if (resolution.action === 'cancel') {
      await cancelForAdmin(ctx, found, changer.staffId, resolution.note);
      resolved.push({ appointmentId: appointment.id, outcome: 'cancelled' });
      continue;
    }
    const target = resolution.startsAt ? new Date(resolution.startsAt) : await nextFreeSlot(ctx, found);
    if (!target) {
      resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
      continue;
    }
    try {
      const moved = await moveForAdmin(ctx, found, target, changer.staffId);
      resolved.push({ appointmentId: appointment.id, outcome: 'moved', startsAt: moved.startsAt.toISOString() });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
    }
  }
  return resolved;
}

/** The first free slot of the same length with any clerk of its department, after its time (else from now). */
async function nextFreeSlot(
  ctx: AvailabilityCtx,
  found: NonNullable<Awaited<ReturnType<typeof findAppointmentWithContext>>>,
): Promise<Date | null> {
  const { appointment, department, tenant } = found;
  const today = civilDateAt(ctx.now, tenant.timeZone);
  const planner = await loadSlotPlanner(ctx.db, {
    department,
    timeZone: tenant.timeZone,
    durationMinutes: Math.round((appointment.endsAt.getTime() - appointment.startsAt.getTime()) / 60_000),
    now: ctx.now,
    actor: 'staff',
    from: today,
    to: addDays(today, department.bookingHorizonDays),
    ignoreAppointmentId: appointment.id,
  });
  const [slot] = planner.nextFree(appointment.startsAt, 1);
  return (slot ?? planner.nextFree(ctx.now, 1)[0])?.startsAt ?? null;
}

async function announce(ctx: Pick<AvailabilityCtx, 'events'>, departmentIds: string[]) {
  for (const departmentId of new Set(departmentIds)) await ctx.events.publish({ departmentId, context: true });
}

/** Replaces a clerk's weekly hours in the department. */
export async function setClerkHours(
  ctx: AvailabilityCtx,
  office: OfficeScope,
  staffId: string,
  change: HoursChange,
  changer: Changer,
): Promise<{ resolved: Resolved[] }> {
  await memberOrNotFound(ctx.db, office.department.id, staffId);
  const before = (await listRanges(ctx.db, office.department.id, [staffId])).map(({ weekday, startsAt, endsAt }) => ({
    weekday,
    startsAt,
    endsAt,
  }));
  const timeZone = office.tenant.timeZone;
  // Only appointments the old hours held: one already kept as an exception is not asked about again.
  const hits = (await bookedAppointmentsOf(ctx.db, staffId, ctx.now, { departmentId: office.department.id })).filter(
    ({ appointment: a }) =>
      fitsIn(before, a.startsAt, a.endsAt, timeZone) && !fitsIn(change.ranges, a.startsAt, a.endsAt, timeZone),
  );
  const planned = await checkResolutions(ctx.db, hits, changer, change.resolutions);
  await ctx.db.transaction(async (tx) => {
    await tx
      .delete(staffAvailability)
      .where(and(eq(staffAvailability.staffId, staffId), eq(staffAvailability.departmentId, office.department.id)));
    if (change.ranges.length > 0) {
      await tx
        .insert(staffAvailability)
        .values(
          change.ranges.map((range) => ({ staffId, departmentId: office.department.id, ...range, createdAt: ctx.now })),
        );
    }
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: 'staff',
      actorStaffId: changer.staffId,
      action: 'availability.updated',
      data: { staffId, ranges: change.ranges.length, collisions: hits.length },
      createdAt: ctx.now,
    });
  });
  await announce(ctx, [office.department.id]);
  return { resolved: await resolve(ctx, changer, planned) };
}

/** The instants of an absence entered as dates (and times) in the municipality's zone. */
export function absenceSpan(input: AbsenceInput, timeZone: string): { startsAt: Date; endsAt: Date } {
  const clock = (text: string | undefined) => {
    const [hour, minute] = (text ?? '00:00').split(':').map(Number) as [number, number];
    return { hour, minute };
  };
  const first = parseCivilDate(input.startsOn);
  const last = parseCivilDate(input.endsOn);
  const startsAt = zonedToInstant({ ...first, ...clock(input.startsAtTime) }, timeZone);
  const endsAt = input.endsAtTime
    ? zonedToInstant({ ...last, ...clock(input.endsAtTime) }, timeZone)
    : zonedToInstant({ ...addDays(last, 1), hour: 0, minute: 0 }, timeZone);
  return { startsAt, endsAt };
}

/**
 * Enters an absence of `staffId` (a person: it blocks all their departments). `office` is where it
 * was entered: the audit entry's department and the municipality's zone.
 */
export async function addAbsence(
  ctx: AvailabilityCtx,
  office: OfficeScope,
  staffId: string,
  input: AbsenceInput,
  changer: Changer,
): Promise<{ absence: Absence; resolved: Resolved[] }> {
  await memberOrNotFound(ctx.db, office.department.id, staffId);
  const span = absenceSpan(input, office.tenant.timeZone);
  if (span.endsAt <= span.startsAt) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'endsAtTime', message: 'the end must be after the start' }],
    });
  }
  if (span.endsAt <= ctx.now) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'endsOn', message: 'an absence must not be over already' }],
    });
  }
  const hits = await bookedAppointmentsOf(ctx.db, staffId, ctx.now, { span });
  const planned = await checkResolutions(ctx.db, hits, changer, input.resolutions);
  const row = await ctx.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(staffAbsences)
      .values({ staffId, ...span, reason: input.reason || null, createdAt: ctx.now })
      .returning();
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: 'staff',
      actorStaffId: changer.staffId,
      action: 'absence.created',
      data: { absenceId: inserted!.id, staffId, collisions: hits.length, own: changer.staffId === staffId },
      createdAt: ctx.now,
    });
    return inserted!;
  });
  await announce(ctx, await departmentsOf(ctx.db, staffId));
  return { absence: toAbsence(row), resolved: await resolve(ctx, changer, planned) };
}

/** Removes an absence: more availability never collides with a booking. */
export async function removeAbsence(
  ctx: AvailabilityCtx,
  office: OfficeScope,
  staffId: string,
  absenceId: string,
  changer: Pick<Changer, 'staffId'>,
): Promise<void> {
  await memberOrNotFound(ctx.db, office.department.id, staffId);
  const removed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(staffAbsences)
      .where(and(eq(staffAbsences.id, absenceId), eq(staffAbsences.staffId, staffId)))
      .returning({ id: staffAbsences.id });
    if (!row) return false;
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: 'staff',
      actorStaffId: changer.staffId,
      action: 'absence.removed',
      data: { absenceId, staffId, own: changer.staffId === staffId },
      createdAt: ctx.now,
    });
    return true;
  });
  if (!removed) throw new AppError('route_not_found', { internal: 'no such absence of this clerk' });
  await announce(ctx, await departmentsOf(ctx.db, staffId));
}
