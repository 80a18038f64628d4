import { and, eq, isNotNull, isNull, lt, ne, or } from 'drizzle-orm';
import type { Ctx } from '../../deps.js';
import { staff, staffSessions, tenants } from '../../db/schema.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { verifyPassword } from '../../lib/passwords.js';
import { seal, TOTP_PURPOSE, unseal } from '../../lib/secret-box.js';
import { newTotpSecret, otpauthUri, verifyTotp } from '../../lib/totp.js';
import { insertAudit } from '../audit/audit.repo.js';
import { endSessions, type StaffSession } from './auth.service.js';
import { hasAuthenticator } from './authenticator.js';
import { refuseInstallationLockOut } from './installation-admin.js';

/**
 * Proves the session's person with their authenticator's code (issue 15: admin roles need a
 * second factor). The console works with the password alone; administration asks for this first.
 * The code's time step is taken with a conditional UPDATE, so a code works once, also when the
 * same code arrives twice at once or at two processes.
 */
export async function proveSecondFactor(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  session: StaffSession,
  code: string,
): Promise<void> {
  const person = session.staff;
  // None set up, or sealed under an earlier SESSION_SECRET: set one up (hasAuthenticator).
  const secret =
    person.totpSecretSealed && person.totpConfirmedAt
      ? unseal(ctx.config.sessionSecret, TOTP_PURPOSE, person.totpSecretSealed)
      : null;
  if (secret === null) throw new AppError('second_factor_required');
  const step = verifyTotp(secret, code, ctx.now, person.totpLastStep);
  if (step === null) throw new AppError('second_factor_invalid');
  await ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .update(staff)
      .set({ totpLastStep: step })
      .where(
        and(
          eq(staff.id, person.id),
          isNotNull(staff.totpConfirmedAt),
          or(isNull(staff.totpLastStep), lt(staff.totpLastStep, step)),
        ),
      )
      .returning({ id: staff.id });
    if (!taken) throw new AppError('second_factor_invalid');
    await tx.update(staffSessions).set({ authMethod: 'totp' }).where(eq(staffSessions.tokenHash, session.tokenHash));
  });
}

/** Whether setting up an authenticator from `session` asks for the password (startSecondFactorSetup). */
export function setupAsksPassword(sessionSecret: string, session: StaffSession): boolean {
  return hasAuthenticator(sessionSecret, session.staff) || session.authMethod === 'password';
}

/**
 * Starts setting up an authenticator app: a new secret, stored sealed but unconfirmed until a
 * code from it arrives (`confirmSecondFactor`). A first one, from a session signed in with the
 * password, needs the password typed again: the session alone (a desk left signed in) would let
 * whoever sits there enrol their own phone and so enter the administration, which a password-only
 * session may not. A session proved through the identity provider needs nothing more. Replacing
 * a confirmed one needs a session already proved with it and the current password: otherwise a
 * stolen password alone would enrol the thief's phone; the person's other sessions proved with the
 * old one are proved no more. Until the new one is confirmed, the account has none (a lost phone
 * goes through the municipality admin's reset instead).
 */
export async function startSecondFactorSetup(
  ctx: Pick<Ctx, 'db' | 'config'>,
  session: StaffSession,
  password: string | undefined,
): Promise<{ secret: string; otpauthUri: string }> {
  const person = session.staff;
  const replacing = hasAuthenticator(ctx.config.sessionSecret, person);
  if (replacing && session.authMethod === 'password') throw new AppError('second_factor_required');
  if (setupAsksPassword(ctx.config.sessionSecret, session)) {
    if (!password) throw invalidField('password', 'please enter your password');
    if (!person.passwordHash || !(await verifyPassword(person.passwordHash, password))) {
      throw new AppError('invalid_credentials');
    }
  }
  const secret = newTotpSecret();
  const [tenant] = await ctx.db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, person.tenantId));
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(staff)
      .set({
        totpSecretSealed: seal(ctx.config.sessionSecret, TOTP_PURPOSE, secret),
        totpConfirmedAt: null,
        totpLastStep: null,
      })
      .where(eq(staff.id, person.id));
    // The old app's proof goes with it, as at an admin's reset: a session proved elsewhere with it
    // (the lost phone's finder who knew the password) keeps the console, and the administration
    // asks it for a code of the new app. This session, proved and with the password typed just
    // now, goes on.
    if (replacing) {
      await tx
        .update(staffSessions)
        .set({ authMethod: 'password' })
        .where(
          and(
            eq(staffSessions.staffId, person.id),
            eq(staffSessions.authMethod, 'totp'),
            ne(staffSessions.tokenHash, session.tokenHash),
          ),
        );
    }
  });
  const issuer = tenant ? `Amtsraum ${tenant.name}` : 'Amtsraum';
  return { secret, otpauthUri: otpauthUri(secret, { issuer, account: person.email }) };
}

/**
 * Confirms the authenticator being set up with a code from it, and counts as proving the second
 * factor for this session. Taken with a conditional UPDATE on the very secret that was checked,
 * so a setup started meanwhile in another tab is not confirmed by the old code.
 */
export async function confirmSecondFactor(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  session: StaffSession,
  code: string,
): Promise<void> {
  const [person] = await ctx.db
    .select({ sealed: staff.totpSecretSealed, confirmedAt: staff.totpConfirmedAt })
    .from(staff)
    .where(eq(staff.id, session.staff.id));
  // Nothing being set up (never started, or already confirmed): the code proves nothing here.
  if (!person?.sealed || person.confirmedAt) throw new AppError('second_factor_invalid');
  const secret = unseal(ctx.config.sessionSecret, TOTP_PURPOSE, person.sealed);
  if (secret === null) throw new AppError('second_factor_invalid', { internal: 'TOTP secret does not unseal' });
  const step = verifyTotp(secret, code, ctx.now, null);
  if (step === null) throw new AppError('second_factor_invalid');
  await ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .update(staff)
      .set({ totpConfirmedAt: ctx.now, totpLastStep: step })
      .where(
        and(eq(staff.id, session.staff.id), eq(staff.totpSecretSealed, person.sealed!), isNull(staff.totpConfirmedAt)),
      )
      .returning({ id: staff.id });
    if (!taken) throw new AppError('second_factor_invalid');
    await tx.update(staffSessions).set({ authMethod: 'totp' }).where(eq(staffSessions.tokenHash, session.tokenHash));
  });
}

/** Why an admin cannot reset their own authenticator (said in both languages in lib/messages.ts). */
export const OWN_SECOND_FACTOR = 'not for your own account: replace your own authenticator on your security page';

/**
 * A municipality admin removes a staff member's authenticator (a lost phone): the person sets up
 * a new one at their next sign-in, and every session of theirs ends now, so one proved with the
 * old phone does not live on. Only staff of the admin's own municipality (in the where).
 */
export async function resetSecondFactor(
  ctx: Pick<Ctx, 'db' | 'events'>,
  options: { tenantId: string; staffId: string; actorStaffId: string; actorIsInstallationAdmin: boolean },
): Promise<void> {
  // Not one's own: the reset ends the admin's sessions and lets the password alone enrol a new
  // authenticator at the next sign-in, so a stolen password plus a signed-in desk would be enough
  // to take the account over. An admin replaces their own app on the security page, with the
  // password, while the old factor still holds. Worded as the other lock-out refusals (reason
  // `lock_out`, why as a field error in the reader's language).
  if (options.staffId === options.actorStaffId) {
    throw new AppError('forbidden', {
      extra: { reason: 'lock_out' },
      errors: [{ path: 'staffId', message: OWN_SECOND_FACTOR }],
    });
  }
  await ctx.db.transaction(async (tx) => {
    const [target] = await tx
      .select({ isInstallationAdmin: staff.isInstallationAdmin })
      .from(staff)
      .where(and(eq(staff.id, options.staffId), eq(staff.tenantId, options.tenantId)))
      .limit(1);
    if (target) refuseInstallationLockOut({ isInstallationAdmin: options.actorIsInstallationAdmin }, target, 'staffId');
    const [reset] = await tx
      .update(staff)
      .set({ totpSecretSealed: null, totpConfirmedAt: null, totpLastStep: null })
      .where(and(eq(staff.id, options.staffId), eq(staff.tenantId, options.tenantId)))
      .returning({ id: staff.id });
    // Someone else's staff member, or nobody: the same answer as for anything not administered.
    if (!reset) throw new AppError('forbidden');
    await insertAudit(tx, {
      tenantId: options.tenantId,
      actorKind: 'staff',
      actorStaffId: options.actorStaffId,
      action: 'staff.second_factor_reset',
      data: { staffId: options.staffId },
    });
  });
  await endSessions(ctx, { staffId: options.staffId });
}
