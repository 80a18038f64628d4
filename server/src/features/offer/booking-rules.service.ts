import type { BookingRules } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { departments } from '../../db/schema.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { DepartmentRow } from '../directory/directory.repo.js';
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

const COLUMNS = {
  horizonDays: 'bookingHorizonDays',
  leadMinutes: 'bookingLeadMinutes',
  sameDayReleaseTime: 'sameDayReleaseTime',
  joinOpensMinutesBefore: 'joinOpensMinutesBefore',
  noShowGraceMinutes: 'noShowGraceMinutes',
  maxPersonsPerBooking: 'maxPersonsPerBooking',
  clerksManageAbsences: 'clerksManageAbsences',
} as const satisfies Record<keyof BookingRules, keyof DepartmentRow>;

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
    const [updated] = await tx
      .update(departments)
      .set(Object.fromEntries(changed.map((key) => [COLUMNS[key], rules[key]])))
      .where(eq(departments.id, office.department.id))
      .returning();
    await insertAudit(tx, {
      tenantId: office.tenant.id,
      departmentId: office.department.id,
      actorKind: actor ? 'staff' : 'system',
      actorStaffId: actor,
      action: 'booking_rules.updated',
      data: { fields: changed.join(',') },
      createdAt: ctx.now,
    });
    return updated!;
  });
  await announceOffer(ctx, office.department.id);
  return toBookingRules(row);
}
