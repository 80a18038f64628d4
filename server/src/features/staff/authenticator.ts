import { TOTP_PURPOSE, unseal } from '../../lib/secret-box.js';

/**
 * Whether the person has an authenticator that works here: confirmed, and its secret opens under
 * this installation's SESSION_SECRET. After the secret was changed none opens, and each person
 * sets one up again as at their first sign-in (infra/.env.example says so); before, their codes
 * were refused and setting up a new one asked for a code, so every admin was locked out.
 */
export function hasAuthenticator(
  sessionSecret: string,
  person: { totpSecretSealed: string | null; totpConfirmedAt: Date | null },
): boolean {
  return (
    person.totpConfirmedAt !== null &&
    person.totpSecretSealed !== null &&
    unseal(sessionSecret, TOTP_PURPOSE, person.totpSecretSealed) !== null
  );
}
