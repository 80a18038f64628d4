import type { Db } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import { insertAudit, type AuditEntry } from '../audit/audit.repo.js';
import { todayIn } from '../directory/directory.service.js';
import { ACTIVE, enqueueOnsite } from '../visits/visit-states.js';
import { findArrival } from '../visits/visits.repo.js';
import { setAppointmentState, type AppointmentRow } from './appointments.repo.js';
import { appointmentVisit } from './arrive.js';
import { MINUTE } from './booking-ctx.js';

/** Who checks a person in: the kiosk they used (and how), or the clerk at the counter. */
export type CheckInActor =
  { kind: 'device'; deviceId: string; method: 'qr' | 'code' } | { kind: 'staff'; staffId: string };

export type OnsiteCheckIn =
  { refusal: AppError } | { visitId: string; ticketNumber: number; issuedAt: Date; created: boolean };

/** Why this on-site appointment cannot check in now, or null when it can (issue 16's kiosk rules). */
function checkInRefusal(
  appointment: AppointmentRow,
  options: { opensMinutesBefore: number; timeZone: string; now: Date },
): AppError | null {
  const startsAt = appointment.startsAt.toISOString();
  if (appointment.state === 'cancelled') return new AppError('appointment_cancelled');
  // Served or missed already: the same answer as over by the clock, which tells a citizen to ask at the desk.
  if (appointment.state === 'done' || appointment.state === 'no_show') {
    return new AppError('check_in_too_late', { extra: { startsAt } });
  }
  if (todayIn(options.timeZone, appointment.startsAt) !== todayIn(options.timeZone, options.now)) {
    return new AppError('check_in_other_day', { extra: { startsAt } });
  }
  const opensAt = new Date(appointment.startsAt.getTime() - options.opensMinutesBefore * MINUTE);
  if (options.now < opensAt) return new AppError('check_in_too_early', { extra: { opensAt: opensAt.toISOString() } });
  if (options.now >= appointment.endsAt) return new AppError('check_in_too_late', { extra: { startsAt } });
  return null;
}

type ActorAudit = Pick<AuditEntry, 'actorKind' | 'actorStaffId' | 'action' | 'data'>;

/** Each path's entry as it was before the two were one: the counter's names the clerk, the kiosk's how. */
function auditOf(actor: CheckInActor, appointment: AppointmentRow, ticketNumber: number, now: Date): ActorAudit {
  if (actor.kind === 'staff') {
    return {
      actorKind: 'staff',
      actorStaffId: actor.staffId,
      action: 'appointment_checked_in_at_counter',
      data: { appointmentId: appointment.id },
    };
  }
  return {
    actorKind: 'device',
    action: 'appointment_arrived',
    data: {
      appointmentId: appointment.id,
      deviceId: actor.deviceId,
      channel: 'onsite',
      method: actor.method,
      ticketNumber,
      minutesBeforeStart: Math.round((appointment.startsAt.getTime() - now.getTime()) / MINUTE),
    },
  };
}

/**
 * An on-site appointment's person is at the town hall (issue 16): at the kiosk or checked in by a
 * clerk, it joins the department's queue with a ticket number and the appointment is `arrived`.
 * The caller has locked the appointment's row in `tx` (so two kiosks, or a kiosk and a clerk, make
 * one visit) and checked that it is on site and its own department's. A second check-in gets the
 * first one's ticket back. A refusal is returned, not thrown, so a caller can keep what it wrote
 * under the lock before (the kiosk's count of wrong dates of birth).
 */
export async function checkInOnsite(
  tx: Db,
  appointment: AppointmentRow,
  options: { actor: CheckInActor; timeZone: string; opensMinutesBefore: number; now: Date },
): Promise<OnsiteCheckIn> {
  const { actor, timeZone, now } = options;
  const live = await findArrival(tx, appointment.id, ACTIVE);
  if (live?.ticketNumber != null) {
    return { visitId: live.id, ticketNumber: live.ticketNumber, issuedAt: live.createdAt, created: false };
  }
  // An on-site appointment cannot arrive by video (arrive.ts refuses it): never a second visit beside one.
  if (live) return { refusal: new AppError('conflict', { internal: 'arrived by video' }) };

  const refusal = checkInRefusal(appointment, { opensMinutesBefore: options.opensMinutesBefore, timeZone, now });
  if (refusal) return { refusal };

  const { id: visitId, ticketNumber } = await enqueueOnsite(tx, {
    ...appointmentVisit(appointment, now),
    day: todayIn(timeZone, now),
  });
  await setAppointmentState(tx, appointment.id, 'arrived');
  await insertAudit(tx, {
    tenantId: appointment.tenantId,
    departmentId: appointment.departmentId,
    visitId,
    ...auditOf(actor, appointment, ticketNumber, now),
    createdAt: now,
  });
  return { visitId, ticketNumber, issuedAt: now, created: true };
}
