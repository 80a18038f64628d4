import type { JoinView } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import { hashToken } from '../staff/auth.service.js';
import { ACTIVE, enqueue } from '../visits/visit-states.js';
import { findArrival } from '../visits/visits.repo.js';
import {
  findAppointmentToJoin,
  lockAppointment,
  setAppointmentState,
  type AppointmentRow,
} from './appointments.repo.js';
import { MINUTE } from './booking-ctx.js';
import { joinOpensAt } from './views.js';

/** The visit an arriving appointment becomes, by video or on site: who, why, in which language. */
export function appointmentVisit(appointment: AppointmentRow, now: Date) {
  return {
    tenantId: appointment.tenantId,
    departmentId: appointment.departmentId,
    kind: 'appointment' as const,
    appointmentId: appointment.id,
    citizenName: appointment.citizenName,
    concern: appointment.concern,
    serviceId: appointment.serviceIds[0] ?? null,
    language: appointment.language,
    interpreterLanguage: appointment.interpreterLanguage,
    createdAt: now,
  };
}

/**
 * What the join page shows of the appointment behind a join-only or manage token: its time and
 * office, and whether the token also manages it. No personal data: the join-only token travels in
 * calendar entries, which are shared more often than mailboxes.
 */
export async function joinView(ctx: Pick<Ctx, 'db'>, token: string): Promise<JoinView> {
  const found = await findAppointmentToJoin(ctx.db, hashToken(token));
  if (!found) throw new AppError('appointment_not_found');
  const { appointment, department, tenant } = found;
  return {
    state: appointment.state,
    startsAt: appointment.startsAt.toISOString(),
    endsAt: appointment.endsAt.toISOString(),
    channel: appointment.channel,
    tenantSlug: tenant.slug,
    tenantName: tenant.name,
    departmentSlug: department.slug,
    departmentName: department.name,
    timeZone: tenant.timeZone,
    joinOpensAt: joinOpensAt(appointment, department).toISOString(),
    manages: found.manages,
  };
}

export interface Arrival {
  visitId: string;
  tenantSlug: string;
  departmentSlug: string;
}

/**
 * The citizen arrives through the join link (`/termin/beitreten#<token>`, issue 6). From
 * `joinOpensMinutesBefore` before the start until the end, this puts them into the department's
 * queue as an appointment visit. Neither the door nor the walk-in cap applies: the time was
 * promised. A second device, or a reload, gets the same visit back, never a second one.
 */
export async function arrive(ctx: Pick<Ctx, 'db' | 'events' | 'now'>, token: string): Promise<Arrival> {
  // The join-only token (the calendar's link) or the manage token: both join.
  const found = await findAppointmentToJoin(ctx.db, hashToken(token));
  // A mistyped or foreign token and a purged one look the same: nothing to tell apart.
  if (!found) throw new AppError('appointment_not_found');
  const { department, tenant } = found;
  // On site is checked in at the kiosk or the counter, never through the video door (issue 16).
  if (found.appointment.channel === 'onsite') throw new AppError('appointment_onsite');

  const result = await ctx.db.transaction(async (tx) => {
    // Two devices arriving at once queue up on the appointment's row lock.
    const appointment = await lockAppointment(tx, found.appointment.id);
    if (!appointment) throw new AppError('appointment_not_found');
    // Checked first: a reload in the middle of a call that runs over its end must still work.
    const live = await findArrival(tx, appointment.id, ACTIVE);
    if (live) return { visitId: live.id, created: false };

    if (appointment.state === 'cancelled') throw new AppError('appointment_cancelled');
    if (appointment.state === 'done' || appointment.state === 'no_show') throw new AppError('appointment_over');
    const opensAt = joinOpensAt(appointment, department);
    if (ctx.now < opensAt) {
      throw new AppError('appointment_not_open_yet', { extra: { opensAt: opensAt.toISOString() } });
    }
    if (ctx.now >= appointment.endsAt) throw new AppError('appointment_over');

    const visitId = await enqueue(tx, appointmentVisit(appointment, ctx.now));
    await setAppointmentState(tx, appointment.id, 'arrived');
    await insertAudit(tx, {
      tenantId: appointment.tenantId,
      departmentId: appointment.departmentId,
      visitId,
      actorKind: 'citizen',
      action: 'appointment_arrived',
      data: {
        appointmentId: appointment.id,
        minutesBeforeStart: Math.round((+appointment.startsAt - +ctx.now) / MINUTE),
      },
      createdAt: ctx.now,
    });
    return { visitId, created: true };
  });

  if (result.created) await ctx.events.publish({ departmentId: department.id, visitId: result.visitId });
  return { visitId: result.visitId, tenantSlug: tenant.slug, departmentSlug: department.slug };
}
