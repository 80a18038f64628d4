import { StaffMeSchema } from '@amtsraum/shared';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { staff, tenantIdentityProviders } from '../../db/schema.js';
import { CLIENT_SECRET_PURPOSE, seal, TOTP_PURPOSE, unseal } from '../../lib/secret-box.js';
import { newTotpSecret, totpCode, totpStep } from '../../lib/totp.js';
import { TestClient } from '../../test/client.js';
import { createTestDatabase, databaseKinds } from '../../test/databases.js';
import { makeStaff, makeTenant } from '../../test/factories.js';
import { startTestServer, TEST_ORIGIN, type TestServer } from '../../test/server.js';

// What `echo "$secret" > file` leaves, and a Kubernetes secret made from that file hands on.
const SECRET = 'ein-langes-geheimnis-der-stadt-musterstadt-0123456789';
const AS_BEFORE = `${SECRET}\n`;

describe.each(databaseKinds)('an installation whose SESSION_SECRET ends in a line feed, on %s', (kind) => {
  let running: TestServer | null = null;
  afterEach(async () => {
    await running?.stop();
    running = null;
  });

  it('keeps its clerks’ authenticators and its sign-in through the identity provider after the upgrade', async () => {
    const database = await createTestDatabase(kind);
    const tenant = await makeTenant(database.db);
    // Sealed by an earlier version, which read the secret with its line feed.
    const totpSecret = newTotpSecret();
    const person = await makeStaff(database.db, tenant.id, {
      values: {
        isTenantAdmin: true,
        totpSecretSealed: seal(AS_BEFORE, TOTP_PURPOSE, totpSecret),
        totpConfirmedAt: new Date(),
      },
    });
    await database.db.insert(tenantIdentityProviders).values({
      tenantId: tenant.id,
      issuer: 'https://login.musterstadt.example',
      clientId: 'amtsraum',
      clientSecretSealed: seal(AS_BEFORE, CLIENT_SECRET_PURPOSE, 'client-secret-of-the-town'),
      label: { de: 'Mit dem Stadtkonto anmelden', en: 'Sign in with the town account' },
    });
    // A second clerk sealed under the secret as now read (another process started first): left as it is.
    const already = seal(SECRET, TOTP_PURPOSE, newTotpSecret());
    const other = await makeStaff(database.db, tenant.id, {
      values: { totpSecretSealed: already, totpConfirmedAt: new Date() },
    });

    running = await startTestServer(database, { env: { SESSION_SECRET: AS_BEFORE } });

    // The admin signs in with the authenticator set up before the upgrade.
    const browser = new TestClient(running.url, { origin: TEST_ORIGIN });
    expect((await browser.post('/api/staff/login', { email: person.email, password: person.password })).status).toBe(
      200,
    );
    const me = StaffMeSchema.parse((await browser.get('/api/staff/me')).json);
    expect(me.staff.secondFactor.enrolled).toBe(true);
    const proved = await browser.post('/api/staff/second-factor', { code: totpCode(totpSecret, totpStep(new Date())) });
    expect(proved.status).toBe(200);

    // Both now open under the secret as read, so writing the setting without its line feed loses nothing.
    const [stored] = await database.db.select().from(staff).where(eq(staff.id, person.id));
    expect(unseal(SECRET, TOTP_PURPOSE, stored!.totpSecretSealed!)).toBe(totpSecret);
    const [provider] = await database.db
      .select()
      .from(tenantIdentityProviders)
      .where(eq(tenantIdentityProviders.tenantId, tenant.id));
    expect(unseal(SECRET, CLIENT_SECRET_PURPOSE, provider!.clientSecretSealed!)).toBe('client-secret-of-the-town');
    const [untouched] = await database.db.select().from(staff).where(eq(staff.id, other.id));
    expect(untouched!.totpSecretSealed).toBe(already);
  });
});
