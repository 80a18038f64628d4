import { randomBytes } from 'node:crypto';
import { passwordIsEmail, type Profile } from '@amtsraum/shared';
import { and, eq, ne } from 'drizzle-orm';
import type { Ctx } from '../../deps.js';
import { staff, staffSessions, tenants } from '../../db/schema.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { hashPassword, verifyPassword } from '../../lib/passwords.js';
import { insertAudit } from '../audit/audit.repo.js';
import { endSessions, hashToken, SESSION_MAX_AGE_MS, type StaffSession } from '../staff/auth.service.js';
import { findActiveStaffByEmail, insertSession, type StaffRow } from '../staff/staff.repo.js';
import { sendStaffLink } from './account-mail.js';
import { consumeStaffToken, peekStaffToken, voidStaffTokens } from './staff-tokens.js';

const NOT_THE_EMAIL = 'the password must not be the e-mail address';

/**
 * Sets a password from an invitation or reset link and signs the person in (with the password
 * alone: admin pages then ask for the second factor). Every other session of the person ends,
 * so a reset shuts out whoever knew the old password.
 */
export async function setPasswordWithToken(
  ctx: Pick<Ctx, 'db' | 'events' | 'config' | 'now'>,
  options: { token: string; password: string },
): Promise<{ sessionToken: string; staff: StaffRow }> {
  const { staff: person, purpose } = await peekStaffToken(ctx.db, options.token, ctx.now);
  if (passwordIsEmail(options.password, person.email)) throw invalidField('password', NOT_THE_EMAIL);
  const passwordHash = await hashPassword(options.password);
  const updated = await ctx.db.transaction(async (tx) => {
    const { staffId } = await consumeStaffToken(tx, options.token, ctx.now);
    const [row] = await tx
      .update(staff)
      .set({ passwordHash })
      .where(and(eq(staff.id, staffId), eq(staff.active, true)))
      .returning();
    if (!row) throw new AppError('link_invalid');
    await voidStaffTokens(tx, staffId, ctx.now);
    await insertAudit(tx, {
      tenantId: row.tenantId,
      actorKind: 'staff',
      actorStaffId: row.id,
      action: purpose === 'invite' ? 'staff.password_set' : 'staff.password_reset',
      data: { staffId: row.id },
    });
    return row;
  });
  await endSessions(ctx, { staffId: updated.id });
  const sessionToken = randomBytes(32).toString('base64url');
  await insertSession(ctx.db, {
    tokenHash: hashToken(sessionToken),
    staffId: updated.id,
    createdAt: ctx.now,
    lastSeenAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + SESSION_MAX_AGE_MS),
    authMethod: 'password',
  });
  return { sessionToken, staff: updated };
}

/** Whether a set-password link can still be used (`link_invalid`, `link_expired` if not); it stays unused. */
export async function checkPasswordLink(ctx: Pick<Ctx, 'db' | 'now'>, token: string): Promise<void> {
  await peekStaffToken(ctx.db, token, ctx.now);
}

/**
 * "Forgot password?": a reset link to an active account of a municipality that is not archived,
 * nothing otherwise. The caller answers the same either way, and before this runs (no account
 * enumeration, by the answer or by its time).
 */
export async function requestPasswordReset(ctx: Pick<Ctx, 'db' | 'config' | 'now'>, email: string): Promise<void> {
  const person = await findActiveStaffByEmail(ctx.db, email);
  if (!person) return;
  await ctx.db.transaction(async (tx) => {
    const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, person.tenantId)).limit(1);
    if (!tenant) return;
    await sendStaffLink(ctx, tx, { person, tenant, purpose: 'reset', createdBy: null });
  });
}

export async function updateProfile(ctx: Pick<Ctx, 'db'>, person: StaffRow, profile: Profile): Promise<Profile> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(staff)
      .set({ name: profile.name, languages: [...new Set(profile.languages)] })
      .where(eq(staff.id, person.id))
      .returning();
    const fields = [
      row!.name !== person.name ? 'name' : null,
      row!.languages.join() !== person.languages.join() ? 'languages' : null,
    ].filter(Boolean);
    if (fields.length) {
      await insertAudit(tx, {
        tenantId: person.tenantId,
        actorKind: 'staff',
        actorStaffId: person.id,
        action: 'staff.profile_updated',
        data: { staffId: person.id, fields: fields.join(',') },
      });
    }
    return { name: row!.name, languages: row!.languages };
  });
}

/**
 * Changes one's own password, the current one proving it is the person at the keyboard. The
 * person's other sessions end (a stolen session cookie stops working); this one stays. Reset
 * links not yet used stop working too: one asked for and then not needed (the password came back
 * to mind) would otherwise still set a password of its reader's choice within the hour.
 */
export async function changeOwnPassword(
  ctx: Pick<Ctx, 'db' | 'events' | 'now'>,
  session: StaffSession,
  options: { currentPassword: string; password: string },
): Promise<void> {
  const person = session.staff;
  if (!person.passwordHash || !(await verifyPassword(person.passwordHash, options.currentPassword))) {
    throw invalidField('currentPassword', 'the current password is not correct');
  }
  if (passwordIsEmail(options.password, person.email)) throw invalidField('password', NOT_THE_EMAIL);
  const passwordHash = await hashPassword(options.password);
  const ended = await ctx.db.transaction(async (tx) => {
    await tx.update(staff).set({ passwordHash }).where(eq(staff.id, person.id));
    await voidStaffTokens(tx, person.id, ctx.now);
    await insertAudit(tx, {
      tenantId: person.tenantId,
      actorKind: 'staff',
      actorStaffId: person.id,
      action: 'staff.password_changed',
      data: { staffId: person.id },
    });
    return tx
      .delete(staffSessions)
      .where(and(eq(staffSessions.staffId, person.id), ne(staffSessions.tokenHash, session.tokenHash)))
      .returning({ staffId: staffSessions.staffId, tokenHash: staffSessions.tokenHash });
  });
  for (const other of ended) await ctx.events.publish({ sessionsEnded: other });
}
