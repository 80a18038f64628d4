import { and, eq, isNotNull, isNull, lt, or } from 'drizzle-orm';
import type { Ctx } from '../../deps.js';
import { staff, staffSessions } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import { unseal } from '../../lib/secret-box.js';
import { verifyTotp } from '../../lib/totp.js';
import type { StaffSession } from './auth.service.js';

/** The secret box purpose of TOTP secrets (lib/secret-box.ts). */
export const TOTP_PURPOSE = 'totp';

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
  if (!person.totpSecretSealed || !person.totpConfirmedAt) throw new AppError('second_factor_required');
  const secret = unseal(ctx.config.sessionSecret, TOTP_PURPOSE, person.totpSecretSealed);
  if (secret === null) throw new AppError('second_factor_invalid', { internal: 'TOTP secret does not unseal' });
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
