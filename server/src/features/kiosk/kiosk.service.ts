import type { KioskCheckInRequest, KioskState, KioskTicket, KioskTicketRequest, Locale } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import { birthDateMatches, bookingCodeFromQr } from '../../lib/check-in-codes.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { checkInOnsite, lockAppointment } from '../appointments/index.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { PairedDevice } from '../devices/devices.repo.js';
import { todayIn } from '../directory/directory.service.js';
import { findDepartmentWithTenant } from '../directory/directory.repo.js';
import { loadDepartmentState, type DepartmentState } from '../visits/queue.service.js';
import { enqueueOnsite } from '../visits/visit-states.js';
import {
  countWaiting,
  findAppointmentByBookingCode,
  listWalkInServices,
  lockDepartment,
  recordCheckInFailure,
  resetCheckInFailures,
} from './kiosk.repo.js';

/**
 * The kiosk at a town hall's entrance (issue 16, item 2): a citizen checks in for today's on-site
 * appointment (the QR code of the confirmation alone, or the booking code with the date of birth)
 * or draws a walk-in ticket. Either way the visit joins the department's one queue with a ticket
 * number the call display shows. Nothing answered here names the person: the next one reads it.
 */

type KioskCtx = Pick<Ctx, 'db' | 'events' | 'now' | 'config'>;

const MINUTE = 60_000;
/** Wrong dates of birth in a row that lock a booking's typed check-in, and for how long at first. */
export const CHECK_IN_MAX_FAILURES = 3;
export const CHECK_IN_LOCK_MS = 10 * MINUTE;
/** The longest lock: every lock after the first lasts twice the one before, up to a day. */
export const CHECK_IN_LONGEST_LOCK_MS = 24 * 60 * MINUTE;

/**
 * How long the typed check-in is locked after `failures` wrong dates of birth since the last right
 * one (or the QR code), or null when this one earns no lock: 10 minutes at the third, 20 at the
 * sixth, 40 at the ninth, … at most a day. Without the doubling, three tries every ten minutes were
 * 432 a day against one booking code; now a day allows 21, and every day after that 3.
 */
function checkInLockMs(failures: number): number | null {
  if (failures % CHECK_IN_MAX_FAILURES !== 0) return null;
  const lock = failures / CHECK_IN_MAX_FAILURES;
  return Math.min(CHECK_IN_LOCK_MS * 2 ** Math.min(lock - 1, 16), CHECK_IN_LONGEST_LOCK_MS);
}

/** Why walk-in tickets cannot be drawn now, or null when they can. */
function walkInRefusal(state: DepartmentState): KioskState['walkIns']['refusal'] {
  if (!state.department.kioskWalkIns) return 'not_offered';
  if (state.door.state !== 'open') return 'closed';
  if (state.door.unattended) return 'unattended';
  if (state.door.queueFull) return 'full';
  return null;
}

async function departmentState(ctx: KioskCtx, device: PairedDevice): Promise<DepartmentState> {
  const state = await loadDepartmentState(ctx.db, device.departmentId, ctx.now);
  // The device lookup already excluded archived departments; a department deleted since is gone.
  if (!state) throw new AppError('device_not_paired');
  return state;
}

export async function kioskState(ctx: KioskCtx, device: PairedDevice): Promise<KioskState> {
  const [state, offered] = await Promise.all([
    departmentState(ctx, device),
    listWalkInServices(ctx.db, device.departmentId),
  ]);
  const refusal = walkInRefusal(state);
  return {
    department: { name: state.department.name },
    tenant: { name: state.tenant.name, timeZone: state.tenant.timeZone },
    walkIns: { available: refusal === null, refusal },
    services: refusal === 'not_offered' ? [] : offered.map(({ slug, name }) => ({ slug, name })),
  };
}

function lockedError(until: Date, now: Date): AppError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  return new AppError('check_in_locked', { headers: { 'Retry-After': String(seconds) } });
}

/**
 * Checks in for an on-site appointment of the kiosk's department. The appointment row is locked
 * for the whole decision, so two kiosks (or a double tap) get one visit, and a second check-in gets
 * the same ticket back. A refusal is returned out of the transaction rather than thrown in it, so a
 * counted wrong date of birth (or a reset count) is kept.
 *
 * The lock after wrong dates of birth guards only the typed path: a QR code carries a tag only
 * this installation can make, so it cannot be guessed, and its owner is let in even while somebody
 * else is trying dates for the same code.
 */
export async function checkIn(ctx: KioskCtx, device: PairedDevice, request: KioskCheckInRequest): Promise<KioskTicket> {
  const secret = ctx.config.sessionSecret;
  const method = 'qr' in request ? 'qr' : 'code';
  const bookingCode = 'qr' in request ? bookingCodeFromQr(secret, request.qr) : request.bookingCode;
  if (!bookingCode) throw new AppError('check_in_not_found');
  const found = await findAppointmentByBookingCode(ctx.db, bookingCode, method === 'qr' ? null : device.tenantId);
  if (!found) throw new AppError('check_in_not_found');
  const kiosk = await findDepartmentWithTenant(ctx.db, device.departmentId);
  if (!kiosk) throw new AppError('device_not_paired');
  const now = ctx.now;

  const outcome = await ctx.db.transaction(
    async (tx): Promise<{ error: AppError } | { ticket: KioskTicket; visitId: string; created: boolean }> => {
      const appointment = await lockAppointment(tx, found.id);
      // Purged (or re-coded) between the lookup and the lock: as if never found.
      if (!appointment || appointment.bookingCode !== bookingCode) return { error: new AppError('check_in_not_found') };

      if ('birthDate' in request) {
        const lockedUntil = appointment.checkInLockedUntil;
        if (lockedUntil && lockedUntil > now) return { error: lockedError(lockedUntil, now) };
        const matches =
          appointment.birthDateHash !== null &&
          birthDateMatches(secret, appointment.id, request.birthDate, appointment.birthDateHash);
        if (!matches) {
          // Counted since the last right date, across locks: each lock lasts twice the last.
          const failures = appointment.checkInFailures + 1;
          const lockMs = checkInLockMs(failures);
          const until = lockMs === null ? null : new Date(now.getTime() + lockMs);
          await recordCheckInFailure(tx, { appointmentId: appointment.id, failures, lockedUntil: until });
          // Each wrong try is on the record (never the date typed), the lock as well.
          await insertAudit(tx, {
            tenantId: appointment.tenantId,
            departmentId: appointment.departmentId,
            actorKind: 'device',
            action: until ? 'appointment.check_in_locked' : 'appointment.check_in_failed',
            data:
              lockMs !== null
                ? { appointmentId: appointment.id, deviceId: device.id, minutes: lockMs / MINUTE }
                : { appointmentId: appointment.id, deviceId: device.id },
            createdAt: now,
          });
          return { error: until ? lockedError(until, now) : new AppError('check_in_wrong_birth_date') };
        }
      }
      // Proven (the right date of birth, or the QR code): earlier wrong tries are forgotten.
      if (appointment.checkInFailures > 0 || appointment.checkInLockedUntil) {
        await resetCheckInFailures(tx, appointment.id);
      }

      if (appointment.channel !== 'onsite') return { error: new AppError('check_in_video_appointment') };
      if (appointment.departmentId !== device.departmentId) {
        return {
          error: new AppError('check_in_other_department', { extra: { departmentName: found.departmentName } }),
        };
      }
      const arrival = await checkInOnsite(tx, appointment, {
        actor: { kind: 'device', deviceId: device.id, method },
        timeZone: kiosk.tenant.timeZone,
        opensMinutesBefore: kiosk.department.checkInOpensMinutesBefore,
        now,
      });
      if ('refusal' in arrival) return { error: arrival.refusal };
      return {
        visitId: arrival.visitId,
        created: arrival.created,
        ticket: {
          kind: 'appointment',
          ticketNumber: arrival.ticketNumber,
          issuedAt: arrival.issuedAt.toISOString(),
          appointmentStartsAt: appointment.startsAt.toISOString(),
        },
      };
    },
  );

  if ('error' in outcome) throw outcome.error;
  if (outcome.created) await ctx.events.publish({ departmentId: device.departmentId, visitId: outcome.visitId });
  return outcome.ticket;
}

/**
 * Draws a walk-in ticket: only while the department hands them out at its kiosk, its door is open
 * and attended, and its queue not full (the cap counted under the department's row lock, as a
 * knock does). The visit has no name: nobody typed one, and none is made up.
 */
export async function drawTicket(
  ctx: KioskCtx,
  device: PairedDevice,
  request: KioskTicketRequest,
): Promise<KioskTicket> {
  const state = await departmentState(ctx, device);
  const { department, tenant } = state;
  const refusal = walkInRefusal(state);
  const opens = state.door.nextOpening ? { extra: { opensAt: state.door.nextOpening } } : {};
  if (refusal === 'not_offered') throw new AppError('walk_ins_not_offered');
  if (refusal === 'closed') throw new AppError('door_closed', opens);
  if (refusal === 'unattended') throw new AppError('door_unattended');

  let serviceId: string | null = null;
  if (request.serviceSlug) {
    const offered = await listWalkInServices(ctx.db, department.id);
    const service = offered.find((row) => row.slug === request.serviceSlug);
    if (!service) throw invalidField('serviceSlug', 'this service has no walk-in tickets here');
    serviceId = service.id;
  }
  const language: Locale = request.language ?? 'de';
  const now = ctx.now;

  const drawn = await ctx.db.transaction(async (tx) => {
    await lockDepartment(tx, department.id);
    if ((await countWaiting(tx, department.id)) >= department.queueCap) throw new AppError('queue_full', opens);
    const visit = await enqueueOnsite(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      kind: 'walk_in',
      citizenName: '',
      concern: null,
      serviceId,
      language,
      createdAt: now,
      day: todayIn(tenant.timeZone, now),
    });
    await insertAudit(tx, {
      tenantId: tenant.id,
      departmentId: department.id,
      visitId: visit.id,
      actorKind: 'device',
      action: 'visit.ticket_drawn',
      data: { deviceId: device.id, ticketNumber: visit.ticketNumber, service: serviceId !== null, language },
      createdAt: now,
    });
    return visit;
  });

  await ctx.events.publish({ departmentId: department.id, visitId: drawn.id });
  return { kind: 'walk_in', ticketNumber: drawn.ticketNumber, issuedAt: now.toISOString(), appointmentStartsAt: null };
}
