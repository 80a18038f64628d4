import {
  addDays,
  parseCivilDate,
  pickLocalized,
  weekdayOf,
  zonedParts,
  zonedToInstant,
  type Absence,
  type AbsenceInput,
  type AvailabilityResponse,
  type Collision,
  type HoursChange,
  type LocalizedText,
  type Resolution,
  type Resolved,
  type WeeklyRange,
} from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { BookingCtx } from '../appointments/booking-ctx.js';
import { cancelForAdmin } from '../appointments/cancel.js';
import { findAppointmentWithContext, type AppointmentRow } from '../appointments/appointments.repo.js';
import { moveForAdmin } from '../appointments/move.js';
import { lockSchedules } from '../appointments/schedule-lock.js';
import { loadSlotPlanner } from '../appointments/slot-search.js';
import { civilDateAt } from '../appointments/slots.js';
import type { OfficeScope } from '../directory/directory.repo.js';
import { deleteAbsence, insertAbsence, replaceDepartmentAvailability } from './write-availability.js';
import {
  bookedAppointments,
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
  if (!member) throw new AppError('entry_not_found', { internal: 'not a member of this department' });
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

export type Hit = Awaited<ReturnType<typeof bookedAppointments>>[number];
type Planned = { appointment: AppointmentRow; resolution: Resolution };

/** How many free slots a collision offers to move it to (the dialog's select). */
export const MOVE_CHOICES = 8;

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

/** A refusal that rolls the change back: 409 with the collisions, each resolvable one with its free slots. */
async function collisionError(
  ctx: AvailabilityCtx,
  collisions: Collision[],
  notMoved: ReadonlySet<string>,
): Promise<AppError> {
  const offered: Collision[] = [];
  for (const collision of collisions) {
    const found = collision.resolvable ? await findAppointmentWithContext(ctx.db, collision.appointmentId) : null;
    offered.push({
      ...collision,
      ...(found ? { moveChoices: (await freeSlotsFor(ctx, found, MOVE_CHOICES)).map(toSlot) } : {}),
      ...(notMoved.has(collision.appointmentId) ? { notMoved: true } : {}),
    });
  }
  return new AppError('availability_collision', { extra: { collisions: offered } });
}

const toSlot = (slot: { startsAt: Date; endsAt: Date }) => ({
  startsAt: slot.startsAt.toISOString(),
  endsAt: slot.endsAt.toISOString(),
});

/** Thrown inside the resolutions' savepoint to undo them all when one could not be carried out. */
class ResolutionsFailed extends Error {
  constructor(readonly notMoved: Set<string>) {
    super('a move found no free slot');
  }
}

/**
 * A change that may leave booked appointments outside availability (a clerk's hours, an absence, a
 * closure), all or nothing (issue 15, item 3). In one transaction, under the schedule lock of every
 * department it bears on (schedule-lock.ts, so no booking can slip into a time it takes away): the
 * appointments it hits are read, the change is written, and each hit is resolved as the request
 * says: moved (to a chosen or the next free slot under the new availability), cancelled (both
 * mail the citizen through move.ts and cancel.ts, whose outbox rows commit with the change) or kept.
 * A hit without a resolution, or a move without a free slot, rolls everything back and answers
 * 409 `availability_collision` with the list, each with the free slots it could move to, those
 * that could not be moved marked `notMoved`.
 */
export async function changeSchedules<T>(
  ctx: AvailabilityCtx,
  options: {
    /** The departments whose slots the change affects: locked, and told afterwards. */
    departmentIds: string[];
    /** The booked appointments the change would leave outside availability, read before `write`. */
    hits: (tx: Db) => Promise<Hit[]>;
    write: (tx: Db, hits: Hit[]) => Promise<T>;
    changer: Changer;
    resolutions: Record<string, Resolution> | undefined;
    /**
     * Why, for the e-mails of the appointments moved or cancelled (a closure's reason), picked in
     * each booking's language with German as the fallback; an admin's own note for a cancellation
     * goes first.
     */
    reasonFor?: (appointment: AppointmentRow) => LocalizedText | null;
  },
): Promise<{ value: T; resolved: Resolved[] }> {
  const { changer, resolutions } = options;
  const outcome = await ctx.db.transaction(async (tx) => {
    await lockSchedules(tx, options.departmentIds);
    const hits = await options.hits(tx);
    const collisions = await toCollisions(tx, hits, changer);
    const unresolved =
      collisions.length > 0 && (!changer.mayResolve || collisions.some((c) => !resolutions?.[c.appointmentId]));
    if (!unresolved) {
      for (const collision of collisions) {
        if (!collision.resolvable && resolutions![collision.appointmentId]!.action !== 'keep') {
          throw new AppError('forbidden', { internal: 'resolving an appointment of a department not administered' });
        }
      }
    }
    const value = await options.write(tx, hits);
    // The moves and the free slots offered are read through the transaction: under the new
    // availability, which a refusal rolls back. Their own events may reach pages before the
    // commit; the announcement after it makes every page read again.
    const inTx: AvailabilityCtx = { ...ctx, db: tx, slotCache: undefined };
    if (unresolved) throw await collisionError(inTx, collisions, new Set());
    const planned: Planned[] = hits.map(({ appointment }) => ({
      appointment,
      resolution: resolutions![appointment.id]!,
    }));
    try {
      const resolved = await tx.transaction(async (savepoint) => {
        const done = await resolve({ ...inTx, db: savepoint }, changer, planned, options.reasonFor);
        const failed = done.filter((r) => r.outcome === 'not_moved').map((r) => r.appointmentId);
        if (failed.length > 0) throw new ResolutionsFailed(new Set(failed));
        return done;
      });
      return { value, resolved };
    } catch (error) {
      // The moves that worked are undone with the failed one; the slots are offered as they are
      // with the change but without those moves.
      if (error instanceof ResolutionsFailed) throw await collisionError(inTx, collisions, error.notMoved);
      throw error;
    }
  });
  ctx.slotCache?.clear('schedules');
  return outcome;
}

/** Carries out the resolutions, inside the change's transaction; a move without a free slot is `not_moved`. */
async function resolve(
  ctx: AvailabilityCtx,
  changer: Changer,
  planned: Planned[],
  reasonFor: ((appointment: AppointmentRow) => LocalizedText | null) | undefined,
): Promise<Resolved[]> {
  const resolved: Resolved[] = [];
  for (const { appointment, resolution } of planned) {
    const reason = reasonFor?.(appointment);
    const why = reason ? pickLocalized(reason, appointment.language) : undefined;
    if (resolution.action === 'keep') {
      resolved.push({ appointmentId: appointment.id, outcome: 'kept' });
      continue;
    }
    const found = await findAppointmentWithContext(ctx.db, appointment.id);
    if (!found || found.appointment.state !== 'booked') {
      // Cancelled by the citizen meanwhile (or begun): nothing left to resolve.
      resolved.push({
        appointmentId: appointment.id,
        outcome: found?.appointment.state === 'cancelled' ? 'cancelled' : 'kept',
      });
      continue;
    }
    if (resolution.action === 'cancel') {
      await cancelForAdmin(ctx, found, changer.staffId, resolution.note || why);
      resolved.push({ appointmentId: appointment.id, outcome: 'cancelled' });
      continue;
    }
    const target = resolution.startsAt
      ? new Date(resolution.startsAt)
      : (await freeSlotsFor(ctx, found, 1))[0]?.startsAt;
    // Its own time stays a choice: with another clerk free then, the citizen's day is kept.
    if (!target) {
      resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
      continue;
    }
    try {
      const moved = await moveForAdmin(ctx, found, target, changer.staffId, why);
      if (
        moved.startsAt.getTime() === found.appointment.startsAt.getTime() &&
        moved.staffId === found.appointment.staffId
      ) {
        // Its own clerk still has that time: nothing moved, so nothing was resolved.
        resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
        continue;
      }
      resolved.push({ appointmentId: appointment.id, outcome: 'moved', startsAt: moved.startsAt.toISOString() });
    } catch (error) {
      // Not a slot, or taken (by another collision moved before it): the admin chooses again.
      if (!(error instanceof AppError)) throw error;
      resolved.push({ appointmentId: appointment.id, outcome: 'not_moved' });
    }
  }
  return resolved;
}

/**
 * Up to `count` free slots of the appointment's length with any clerk of its department (staff
 * rules): from its own time on, else from now.
 */
async function freeSlotsFor(
  ctx: AvailabilityCtx,
  found: NonNullable<Awaited<ReturnType<typeof findAppointmentWithContext>>>,
  count: number,
): Promise<{ startsAt: Date; endsAt: Date }[]> {
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
  const later = planner.nextFree(appointment.startsAt, count);
  return later.length > 0 ? later : planner.nextFree(ctx.now, count);
}

async function announce(ctx: Pick<AvailabilityCtx, 'events'>, departmentIds: string[]) {
  await ctx.events.publishAll([...new Set(departmentIds)].map((departmentId) => ({ departmentId, context: true })));
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
  const timeZone = office.tenant.timeZone;
  const departmentId = office.department.id;
  const { resolved } = await changeSchedules(ctx, {
    departmentIds: [departmentId],
    changer,
    resolutions: change.resolutions,
    hits: async (tx) => {
      const before = (await listRanges(tx, departmentId, [staffId])).map(({ weekday, startsAt, endsAt }) => ({
        weekday,
        startsAt,
        endsAt,
      }));
      // Only appointments the old hours held: one already kept as an exception is not asked about again.
      return (await bookedAppointments(tx, ctx.now, { staffId, departmentIds: [departmentId] })).filter(
        ({ appointment: a }) =>
          fitsIn(before, a.startsAt, a.endsAt, timeZone) && !fitsIn(change.ranges, a.startsAt, a.endsAt, timeZone),
      );
    },
    write: async (tx, hits) => {
      await replaceDepartmentAvailability(tx, staffId, departmentId, change.ranges);
      await insertAudit(tx, {
        tenantId: office.tenant.id,
        departmentId,
        actorKind: 'staff',
        actorStaffId: changer.staffId,
        action: 'availability.updated',
        data: { staffId, ranges: change.ranges.length, collisions: hits.length },
        createdAt: ctx.now,
      });
    },
  });
  await announce(ctx, [departmentId]);
  return { resolved };
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
  const { value: row, resolved } = await changeSchedules(ctx, {
    // An absence is the person's: every department of theirs loses the time.
    departmentIds: await departmentsOf(ctx.db, staffId),
    changer,
    resolutions: input.resolutions,
    hits: (tx) => bookedAppointments(tx, ctx.now, { staffId, span }),
    write: async (tx, hits) => {
      const inserted = await insertAbsence(tx, staffId, { ...span, reason: input.reason || null, createdAt: ctx.now });
      await insertAudit(tx, {
        tenantId: office.tenant.id,
        departmentId: office.department.id,
        actorKind: 'staff',
        actorStaffId: changer.staffId,
        action: 'absence.created',
        data: { absenceId: inserted.id, staffId, collisions: hits.length, own: changer.staffId === staffId },
        createdAt: ctx.now,
      });
      return inserted;
    },
  });
  await announce(ctx, await departmentsOf(ctx.db, staffId));
  return { absence: toAbsence(row), resolved };
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
    if (!(await deleteAbsence(tx, staffId, absenceId))) return false;
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
  if (!removed) throw new AppError('entry_not_found', { internal: 'no such absence of this clerk' });
  await announce(ctx, await departmentsOf(ctx.db, staffId));
}
