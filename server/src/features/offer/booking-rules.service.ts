import type { BookingRules } from '@amtsraum/shared';
import { AppError } from '../../lib/errors.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { DepartmentRow } from '../directory/directory.repo.js';
import { writeDepartment } from '../organisation/write-organisation.js';
import { announceOffer, type ActorId, type OfferCtx, type OfficeScope } from './services.service.js';

/**
 * A department's booking rules (issue 15, item 3). They bind new bookings only: a booking made
 * under the old rules stays as it is, so a change here never collides with one.
 */

export function toBookingRules(department: DepartmentRow): BookingRules {
  return {
    horizonDays: department.bookingHorizonDays,
    leadMinutes: department.bookingLeadMinutes,
    sameDayReleaseTime: department.sameDayReleaseTime,
    joinOpensMinutesBefore: department.joinOpensMinutesBefore,
    noShowGraceMinutes: department.noShowGraceMinutes,
    maxPersonsPerBooking: department.maxPersonsPerBooking,
    clerksManageAbsences: department.clerksManageAbsences,
  };
}

export async function updateBookingRules(
  ctx: OfferCtx,
  office: OfficeScope,
  rules: BookingRules,
  actor: ActorId,
): Promise<BookingRules> {
  const before = toBookingRules(office.department);
  const changed = (Object.keys(rules) as (keyof BookingRules)[]).filter((key) => rules[key] !== before[key]);
  if (changed.length === 0) return before;
  const row = await ctx.db.transaction(async (tx) => {
    const updated = await writeDepartment(
      tx,
      { tenantId: office.tenant.id, id: office.department.id },
      Object.fromEntries(changed.map((key) => [key, rules[key]])),
    );
    if (!updated) throw new AppError('conflict', { internal: 'department archived' });
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: 'booking_rules.updated',
      data: { fields: changed.join(',') },
      createdAt: ctx.now,
    });
    return updated;
  });
  await announceOffer(ctx, office.department.id);
  return toBookingRules(row);
}
