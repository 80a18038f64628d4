import { ProblemSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.js';
import { makeOffice, signedInClerk } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';
import { STAFF_REQUEST_LIMITS } from './staff-request-limits.js';

// Smaller limits than the real ones (3,000 and 600 in ten minutes), so that reaching them takes a
// moment; the server below is made after this, and its limiters read them when they are made.
STAFF_REQUEST_LIMITS.perStaff.max = 40;
STAFF_REQUEST_LIMITS.sessionMissesPerAddress.max = 25;

describe.each(databaseKinds)('limits on staff requests on %s', (kind) => {
  const suite = useTestServer(kind);

  it('counts every request of a staff member, reads too, and refuses the one past the limit readably', async () => {
    const { tenant, department, staffPath } = await makeOffice(suite.db());
    const { browser: anna } = await signedInClerk(suite.db(), suite.client(), tenant.id, [department.id]);
    const paths = [`${staffPath}/console`, '/api/staff/me', '/api/staff/profile'];
    const statuses = new Set<number>();
    for (let i = 0; i < STAFF_REQUEST_LIMITS.perStaff.max; i++) statuses.add((await anna.get(paths[i % 3]!)).status);
    expect([...statuses]).toEqual([200]);

    const refused = await anna.get(`${staffPath}/console`);
    expect(refused.status).toBe(429);
    const problem = ProblemSchema.parse(refused.json);
    expect(problem.code).toBe('rate_limited');
    expect(problem.title).toMatch(/Anfragen|versuchen/i); // German by default
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A write past the limit changes nothing: the door stays as it was.
    const door = await anna.put(`${staffPath}/door`, { override: 'closed' });
    expect(door.status).toBe(429);
    expect((await anna.get('/api/staff/me')).status).toBe(429);

    // A colleague, behind the same address or not, is served: the limit is the staff member's.
    const colleague = await signedInClerk(suite.db(), suite.client(), tenant.id, [department.id]);
    expect((await colleague.browser.get(`${staffPath}/console`)).json.department).toBeDefined();
  });

  it('answers a flood of made-up session cookies 429 from one address, and still serves a valid session there', async () => {
    const { tenant, department, staffPath } = await makeOffice(suite.db());
    const script = suite.client();
    const statuses: number[] = [];
    for (let i = 0; i < STAFF_REQUEST_LIMITS.sessionMissesPerAddress.max + 3; i++) {
      script.cookies.set('amtsraum_session', `forged-${i}`);
      statuses.push((await script.get('/api/staff/me')).status);
    }
    const max = STAFF_REQUEST_LIMITS.sessionMissesPerAddress.max;
    expect(new Set(statuses.slice(0, max))).toEqual(new Set([401]));
    expect(new Set(statuses.slice(max))).toEqual(new Set([429]));

    // A clerk signing in from that very address (the same client: the same X-Forwarded-For) works.
    script.cookies.delete('amtsraum_session');
    await signedInClerk(suite.db(), script, tenant.id, [department.id]);
    expect((await script.get(`${staffPath}/console`)).status).toBe(200);
    // Without any session cookie the answer stays 401, and costs no lookup to count.
    expect((await suite.client().get('/api/staff/me')).status).toBe(401);
  });
});
