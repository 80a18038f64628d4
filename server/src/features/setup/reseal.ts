import { eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { staff, tenantIdentityProviders } from '../../db/schema.js';
import { CLIENT_SECRET_PURPOSE, seal, TOTP_PURPOSE, unseal } from '../../lib/secret-box.js';

/**
 * SESSION_SECRET is read without the spaces and line breaks around it (config.ts); versions before
 * kept all but a last carriage return. An installation whose secret ends in a line feed (a file
 * written with `echo`, a Kubernetes secret made from it) sealed its clerks' authenticator secrets
 * and its identity providers' client secrets under the longer one: after the upgrade they would
 * no longer open, every clerk's second factor gone and the municipality's sign-in broken. At the
 * start each such value that opens only under the former reading is sealed again under the secret
 * as now read, so nothing is lost, and the setting can then be written without the spaces. Values
 * already sealed under the new reading are left alone: several processes may start at once.
 */
export async function resealUnderSecret(
  db: Db,
  secret: string,
  former: string | null,
): Promise<{ authenticators: number; identityProviders: number }> {
  const resealed = { authenticators: 0, identityProviders: 0 };
  if (former === null) return resealed;
  const again = (purpose: string, sealed: string): string | null => {
    if (unseal(secret, purpose, sealed) !== null) return null;
    const plain = unseal(former, purpose, sealed);
    return plain === null ? null : seal(secret, purpose, plain);
  };
  const people = await db
    .select({ id: staff.id, sealed: staff.totpSecretSealed })
    .from(staff)
    .where(isNotNull(staff.totpSecretSealed));
  for (const person of people) {
    const sealed = person.sealed === null ? null : again(TOTP_PURPOSE, person.sealed);
    if (sealed === null) continue;
    await db.update(staff).set({ totpSecretSealed: sealed }).where(eq(staff.id, person.id));
    resealed.authenticators += 1;
  }
  const providers = await db
    .select({ tenantId: tenantIdentityProviders.tenantId, sealed: tenantIdentityProviders.clientSecretSealed })
    .from(tenantIdentityProviders)
    .where(isNotNull(tenantIdentityProviders.clientSecretSealed));
  for (const provider of providers) {
    const sealed = provider.sealed === null ? null : again(CLIENT_SECRET_PURPOSE, provider.sealed);
    if (sealed === null) continue;
    await db
      .update(tenantIdentityProviders)
      .set({ clientSecretSealed: sealed })
      .where(eq(tenantIdentityProviders.tenantId, provider.tenantId));
    resealed.identityProviders += 1;
  }
  return resealed;
}
