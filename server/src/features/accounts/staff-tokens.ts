import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { staff, staffTokens, tenants } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { hashToken } from '../staff/auth.service.js';

export type StaffTokenPurpose = 'invite' | 'reset';

/** An invitation is read within the week; a reset is asked for by someone waiting for it. */
export const STAFF_TOKEN_TTL_MS: Record<StaffTokenPurpose, number> = {
  invite: 7 * 24 * 60 * 60 * 1000,
  reset: 60 * 60 * 1000,
};

/**
 * Issues a single-use link token (32 random bytes; only its SHA-256 is stored) and voids the
 * person's older unused tokens of the same purpose, so only the newest mail works. `db` may be a
 * transaction handle: the token then exists only if the caller's change commits.
 */
export async function issueStaffToken(
  db: Db,
  options: { staffId: string; purpose: StaffTokenPurpose; createdBy: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(options.now.getTime() + STAFF_TOKEN_TTL_MS[options.purpose]);
  await db
    .update(staffTokens)
    .set({ usedAt: options.now })
    .where(
      and(
        eq(staffTokens.staffId, options.staffId),
        eq(staffTokens.purpose, options.purpose),
        isNull(staffTokens.usedAt),
      ),
    );
  await db.insert(staffTokens).values({
    staffId: options.staffId,
    purpose: options.purpose,
    tokenHash: hashToken(token),
    expiresAt,
    createdBy: options.createdBy,
    createdAt: options.now,
  });
  return { token, expiresAt };
}

/** Voids every unused link of a person (a password was set, the account deactivated). */
export async function voidStaffTokens(db: Db, staffId: string, now: Date): Promise<void> {
  await db
    .update(staffTokens)
    .set({ usedAt: now })
    .where(and(eq(staffTokens.staffId, staffId), isNull(staffTokens.usedAt)));
}

/**
 * The account a link is for, if the link can still be used: unknown, used or voided links and
 * those of deactivated accounts or archived municipalities are `link_invalid`, old ones
 * `link_expired`. Reads only; `consumeStaffToken` takes it.
 */
export async function peekStaffToken(db: Db, token: string, now: Date) {
  const [row] = await db
    .select({ token: staffTokens, staff, tenantArchivedAt: tenants.archivedAt })
    .from(staffTokens)
    .innerJoin(staff, eq(staff.id, staffTokens.staffId))
    .innerJoin(tenants, eq(tenants.id, staff.tenantId))
    .where(eq(staffTokens.tokenHash, hashToken(token)))
    .limit(1);
  if (!row || row.token.usedAt || !row.staff.active || row.tenantArchivedAt) throw new AppError('link_invalid');
  if (row.token.expiresAt.getTime() <= now.getTime()) throw new AppError('link_expired');
  return { staff: row.staff, purpose: row.token.purpose };
}

/**
 * Takes the link with one conditional UPDATE (unused and not expired), so it works exactly once,
 * also when it arrives twice at once or at two processes. Throws `link_invalid` for the loser.
 */
export async function consumeStaffToken(db: Db, token: string, now: Date): Promise<{ staffId: string }> {
  const [taken] = await db
    .update(staffTokens)
    .set({ usedAt: now })
    .where(and(eq(staffTokens.tokenHash, hashToken(token)), isNull(staffTokens.usedAt), gt(staffTokens.expiresAt, now)))
    .returning({ staffId: staffTokens.staffId });
  if (!taken) throw new AppError('link_invalid');
  return taken;
}
