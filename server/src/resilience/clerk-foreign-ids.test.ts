import { describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { makeAppointment } from '../test/booking-factories.js';
import type { TestClient } from '../test/client.js';
import { databaseKinds } from '../test/databases.js';
import { makeDepartment, makeService, makeTenant, signedInClerk } from '../test/factories.js';
import { snapshot } from '../test/admin-routes.js';
import { mountedRoutes } from '../test/routes.js';
import { useTestServer } from '../test/suite.js';

/**
 * A clerk reaching with their own department's path for another department's things: a visit, an
 * appointment, an invite or an invitee's seat of a colleague's office in the same municipality, or
 * of another municipality (IDOR). The membership guard (staff-department.router.ts) checks the
 * department in the path; each route must then find its thing in that department only. Every
 * route below `/api/staff/departments/:departmentId` that names a thing by id is swept (read from
 * the app itself, so a route added tomorrow is swept too), and the calls' routes as well: each is
 * refused, and nothing in the database changes.
 */

const BODIES: Record<string, unknown> = {
  decline: { note: 'Heute nicht' },
  cancel: { note: 'Abgesagt' },
  move: { startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() },
  invites: { role: 'interpreter', label: 'Dolmetscherin' },
  email: { to: 'someone@test.example', locale: 'de' },
  'screen-share': { allowed: true },
};

describe.each(databaseKinds)('a clerk and the things of other offices on %s', (kind) => {
  const suite = useTestServer(kind);
  const { db, client } = suite;

  /** An office with a waiting and an admitted citizen, an appointment, an invite and its invitee. */
  async function office(tenantId: string) {
    const now = new Date();
    const department = await makeDepartment(db(), tenantId, { doorOverride: 'open', doorOverrideAt: now });
    const { browser: clerk, person } = await signedInClerk(db(), client(), tenantId, [department.id]);
    const service = await makeService(db(), department.id);
    const [tenant] = await db().query.tenants.findMany({ where: (t, { eq }) => eq(t.id, tenantId) });
    const knock = async (browser: TestClient) => {
      const response = await browser.post(`/api/tenants/${tenant!.slug}/departments/${department.slug}/knock`, {
        name: 'Erika Beispiel',
        concern: 'Ausweis',
        language: 'de',
        consent: true,
      });
      if (response.status !== 201) throw new Error(`knock: ${response.status} ${JSON.stringify(response.json)}`);
      return response.json.visit.id as string;
    };
    const waiting = await knock(client());
    const admitted = await knock(client());
    const staff = `/api/staff/departments/${department.id}`;
    expect((await clerk.post(`${staff}/visits/${admitted}/admit`)).status).toBe(200);
    const { appointment } = await makeAppointment(db(), {
      tenantId,
      departmentId: department.id,
      staffId: person.id,
      serviceIds: [service.id],
      startsAt: new Date(now.getTime() + 86_400_000),
    });
    const created = await clerk.post(`${staff}/visits/${admitted}/invites`, BODIES.invites);
    expect(created.status).toBe(201);
    const guest = client();
    const token = new URL(created.json.url as string).hash.slice(1);
    expect((await guest.post('/api/invites/redeem', { token, name: 'Dolmetscherin Ada' })).status).toBe(200);
    const invites = await clerk.get(`${staff}/visits/${admitted}/invites`);
    const guestId = invites.json.invites[0].guests[0].id as string;
    return {
      department,
      clerk,
      ids: {
        visitId: [waiting, admitted],
        appointmentId: [appointment.id],
        inviteId: [created.json.invite.id as string],
        guestId: [guestId],
      },
    };
  }

  it('refuses every clerk route and call route another office’s ids, and changes nothing', async () => {
    const tenantA = await makeTenant(db());
    const tenantB = await makeTenant(db());
    const target = await office(tenantB.id);
    const colleague = await office(tenantB.id); // same municipality, another department
    const stranger = await office(tenantA.id); // another municipality

    const routes = mountedRoutes(createApp(suite.server.deps)).filter(
      (route) =>
        (route.path.startsWith('/api/staff/departments/:departmentId/') || route.path.startsWith('/api/calls/')) &&
        /:(visitId|appointmentId|inviteId|guestId)\b/.test(route.path),
    );
    expect(routes.length).toBeGreaterThan(15);

    const before = await snapshot(db());
    const answers: { who: string; route: string; status: number; body: unknown }[] = [];
    for (const [who, attacker] of [
      ['colleague', colleague],
      ['stranger', stranger],
    ] as const) {
      for (const route of routes) {
        const param = /:(visitId|appointmentId|inviteId|guestId)\b/.exec(route.path)![1] as keyof typeof target.ids;
        for (const id of target.ids[param]) {
          const path = route.path.replace(':departmentId', attacker.department.id).replace(`:${param}`, id);
          const last = route.path.split('/').at(-1)!;
          const body = route.method === 'GET' ? undefined : (BODIES[last] ?? {});
          const response = await attacker.clerk.request(route.method, path, body);
          answers.push({ who, route: `${route.method} ${path}`, status: response.status, body: response.json });
        }
      }
    }
    // The call's status says `ended` to anyone not in the call, whatever the reason (calls.router.ts):
    // that is its refusal, naming no municipality.
    const refused = (answer: (typeof answers)[number]) =>
      (answer.status >= 400 && answer.status < 500) ||
      (answer.route.endsWith('/status') &&
        answer.status === 200 &&
        JSON.stringify(answer.body) === '{"status":"ended"}');
    expect(answers.filter((answer) => !refused(answer))).toEqual([]);
    expect(await snapshot(db())).toEqual(before);
  });
});
