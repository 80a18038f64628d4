import type { CitizenAppointment, StaffAppointment } from '@amtsraum/shared';
import { insertAudit } from '../audit/audit.repo.js';
import type { Clerk } from '../staff/require-staff.js';
import { queueAppointmentMail } from './appointment-mail.js';
import { findAppointment, updateBookedAppointment, type AppointmentRow } from './appointments.repo.js';
import { auditActor, MINUTE, type Actor, type BookingCtx, type Found } from './booking-ctx.js';
import { findByToken, findForStaff, notChangeable } from './manage.js';
import { lockClerkStart, lockScheduleForBooking } from './schedule-lock.js';
import { freeClerksFor, orderClerks, slotTaken, withFirstFreeClerk, type SlotRequest } from './slot-search.js';
import { citizenMayChange, citizenView, toStaffAppointment } from './views.js';

/**
 * Moves a booked appointment to another free slot of the same length, in one UPDATE: the old time
 * is free the moment the new one is held, and the constraint refuses an overlap as for a booking.
 * The same clerk is kept when free; the manage token stays the same.
 */
const unchanged = Symbol('unchanged');

async function move(
  ctx: BookingCtx,
  found: Found,
  startsAt: Date,
  options: { actor: Actor; onlyBeforeStart: boolean; note?: string },
): Promise<AppointmentRow> {
  const { appointment, department, tenant } = found;
  // The same time is no move while its clerk still has it; when an admin's change took that
  // clerk away, the same time with another free clerk is the move that keeps the citizen's day.
  const sameTime = startsAt.getTime() === appointment.startsAt.getTime();
  const durationMinutes = Math.round((appointment.endsAt.getTime() - appointment.startsAt.getTime()) / MINUTE);
  const slot: SlotRequest = {
    office: { department, tenant },
    startsAt,
    durationMinutes,
    now: ctx.now,
    actor: options.actor.kind,
    ignoreAppointmentId: appointment.id,
  };
  const endsAt = new Date(startsAt.getTime() + durationMinutes * MINUTE);
  let changedMeanwhile = false as boolean;
  const moved = await ctx.db.transaction(async (locked) => {
    // As a booking: the free clerks are read under the department's schedule lock (schedule-lock.ts).
    await lockScheduleForBooking(locked, department.id);
    const candidates = await orderClerks(
      locked,
      await freeClerksFor(locked, slot),
      startsAt,
      tenant.timeZone,
      appointment.staffId,
    );
    if (sameTime && candidates.includes(appointment.staffId)) return unchanged;
    return withFirstFreeClerk(candidates, (staffId) =>
      locked.transaction(async (tx) => {
        await lockClerkStart(tx, staffId, startsAt);
        const row = await updateBookedAppointment(
          tx,
          appointment.id,
          // A new time earns a new reminder, unless it is so close that the "moved" e-mail is one.
          { staffId, startsAt, endsAt, reminderSentAt: reminderDueAfterMove(ctx, startsAt) ? null : ctx.now },
          { startsAfter: options.onlyBeforeStart ? ctx.now : undefined },
        );
        if (!row) {
          changedMeanwhile = true;
          return null;
        }
        await insertAudit(tx, {
          tenantId: tenant.id,
          departmentId: department.id,
          ...auditActor(options.actor),
          action: 'appointment.moved',
          data: {
            appointmentId: row.id,
            from: appointment.startsAt.toISOString(),
            to: row.startsAt.toISOString(),
            sameClerk: row.staffId === appointment.staffId,
          },
          createdAt: ctx.now,
        });
        await queueAppointmentMail(tx, {
          ...ctx,
          kind: 'moved',
          appointment: row,
          tenant,
          department,
          note: options.note,
        });
        return row;
      }),
    );
  });
  if (moved === unchanged) return appointment;
  if (changedMeanwhile || moved === null) {
    if (changedMeanwhile) {
      throw notChangeable((await findAppointment(ctx.db, appointment.id)) ?? appointment);
    }
    throw await slotTaken(ctx.db, slot);
  }
  ctx.slotCache?.clear('schedules');
  // Only the appointment changed: the live hub tells consoles, not every waiting citizen.
  await ctx.events.publish({ departmentId: department.id, appointmentId: moved.id });
  return moved;
}

/** `POST /api/appointments/rebook`: to another free slot under the citizen rules. */
export async function rebookByToken(ctx: BookingCtx, token: string, startsAt: Date): Promise<CitizenAppointment> {
  const found = await findByToken(ctx.db, token);
  if (!citizenMayChange(found.appointment, ctx.now)) throw notChangeable(found.appointment);
  const appointment = await move(ctx, found, startsAt, { actor: { kind: 'citizen' }, onlyBeforeStart: true });
  return citizenView(ctx, found, appointment);
}

/**
 * `POST /api/staff/departments/:departmentId/appointments/:appointmentId/move`: any booked (not yet arrived)
 * appointment, to a free slot from now on (the same-day release does not bind clerks).
 */
export async function moveAsStaff(
  ctx: BookingCtx,
  clerk: Clerk,
  appointmentId: string,
  startsAt: Date,
): Promise<StaffAppointment> {
  const found = await findForStaff(ctx.db, clerk, appointmentId);
  if (found.appointment.state !== 'booked') throw notChangeable(found.appointment);
  const appointment = await move(ctx, found, startsAt, {
    actor: { kind: 'staff', staffId: clerk.staff.id },
    onlyBeforeStart: false,
  });
  return toStaffAppointment(ctx.db, { appointment, department: found.department });
}

/** Whether a moved appointment should get its reminder later (its new start is beyond the window). */
function reminderDueAfterMove(ctx: BookingCtx, startsAt: Date): boolean {
  const windowMs = ctx.config.reminderHours * 3600_000;
  return windowMs > 0 && startsAt.getTime() - ctx.now.getTime() > windowMs;
}

/**
 * An admin resolving a collision of an availability change (issue 15): to `startsAt` under the
 * staff rules; the citizen gets the "moved" e-mail.
 */
export function moveForAdmin(
  ctx: BookingCtx,
  found: Found,
  startsAt: Date,
  staffId: string,
  note?: string,
): Promise<AppointmentRow> {
  if (found.appointment.state !== 'booked') throw notChangeable(found.appointment);
  return move(ctx, found, startsAt, { actor: { kind: 'staff', staffId }, onlyBeforeStart: false, note });
}
