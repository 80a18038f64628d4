import { AppError } from '../../lib/errors.js';

/** Why a municipality admin cannot shut out the installation's admin (both languages in lib/messages.ts). */
export const INSTALLATION_ADMIN_LOCK_OUT =
  'not for this account: it administers the installation, and only an installation admin may do that';

/**
 * The installation's admin lives in a municipality like everyone else (infra/README.md: the IT
 * department's account), and that municipality's admin manages its people. Shutting that account
 * out (deactivating it, taking its authenticator) is the installation's business: a municipality
 * admin could otherwise lock the IT provider out of every municipality, or leave the account that
 * creates and archives them guarded by its password alone. Another installation admin may.
 * Refused as the other lock-outs are (403, reason `lock_out`, why as a field error at `path`).
 */
export function refuseInstallationLockOut(
  actor: { isInstallationAdmin: boolean },
  target: { isInstallationAdmin: boolean },
  path: string,
): void {
  if (target.isInstallationAdmin && !actor.isInstallationAdmin) {
    throw new AppError('forbidden', {
      extra: { reason: 'lock_out' },
      errors: [{ path, message: INSTALLATION_ADMIN_LOCK_OUT }],
    });
  }
}
