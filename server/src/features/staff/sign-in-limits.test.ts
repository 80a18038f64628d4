import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/databases.js';
import { makeStaff, makeTenant } from '../../test/factories.js';
import { useTestServer } from '../../test/suite.js';

// Issue 11, item 3: a guessing run against a clerk's e-mail address must not lock the clerk out.
describe.each(databaseKinds)('sign-in limits on %s', (kind) => {
  const { db, client } = useTestServer(kind);

  async function clerk() {
    const tenant = await makeTenant(db());
    return makeStaff(db(), tenant.id);
  }
  const login = (browser = client(), email: string, password: string) =>
    browser.post('/api/staff/login', { email, password }).then((r) => r.status);

  it('lets the clerk in from their own device while guessers from elsewhere are held off', async () => {
    const person = await clerk();
    // The clerk's browser signed in before (yesterday, say) and signed out.
    const own = client();
    expect(await login(own, person.email, person.password)).toBe(200);
    expect((await own.post('/api/staff/logout')).status).toBe(204);

    // Ten wrong passwords from ten other addresses, then the guessing is stopped …
    for (let i = 0; i < 10; i++) expect(await login(client(), person.email, `guess-${i}`)).toBe(401);
    expect(await login(client(), person.email, 'guess-10')).toBe(429);
    // … for every device that never signed in to this account, even with the right password,
    expect(await login(client(), person.email, person.password)).toBe(429);
    // … but not for the clerk's own browser.
    expect(await login(own, person.email, person.password)).toBe(200);
    expect((await own.get('/api/staff/me')).status).toBe(200);
  });

  it('holds off guessing from a known device too, counted for that device alone', async () => {
    const person = await clerk();
    const own = client();
    expect(await login(own, person.email, person.password)).toBe(200);
    // Someone at the clerk's unlocked desk, or with a copy of its cookie, guesses:
    const statuses = [];
    for (let i = 0; i < 11; i++) statuses.push(await login(own, person.email, `guess-${i}`));
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    expect(await login(own, person.email, person.password)).toBe(429);
    // The account is not locked for the clerk elsewhere: another device has its own count.
    expect(await login(client(), person.email, person.password)).toBe(200);
  });

  it('does not count a right password as a guess', async () => {
    const person = await clerk();
    for (let i = 0; i < 9; i++) expect(await login(client(), person.email, `guess-${i}`)).toBe(401);
    expect(await login(client(), person.email, person.password)).toBe(200);
    expect(await login(client(), person.email, 'guess-9')).toBe(401);
    expect(await login(client(), person.email, 'guess-10')).toBe(429);
  });

  it('lets a whole town hall sign in from one address in the morning', async () => {
    const tenant = await makeTenant(db());
    const people = [];
    for (let i = 0; i < 25; i++) people.push(await makeStaff(db(), tenant.id));
    const shared = client();
    const statuses = [];
    for (const person of people) {
      shared.cookies.clear(); // each clerk at their own PC, behind the town hall's one address
      statuses.push(await login(shared, person.email, person.password));
    }
    expect(statuses).toEqual(Array(25).fill(200));
    // Failures from that address still count: a guessing run from inside is held off.
    shared.cookies.clear();
    const guesses = [];
    for (let i = 0; i < 21; i++) guesses.push(await login(shared, `niemand-${i}@test.example`, 'x'));
    expect(guesses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(guesses[20]).toBe(429);
  });

  it('ignores a forged or foreign device cookie', async () => {
    const person = await clerk();
    const own = client();
    expect(await login(own, person.email, person.password)).toBe(200);
    const genuine = own.cookies.get('amtsraum_staff_device');
    expect(genuine).toMatch(/^[A-Za-z0-9_-]{22}~[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
    for (let i = 0; i < 10; i++) expect(await login(client(), person.email, `guess-${i}`)).toBe(401);

    // Another account's device cookie, and a tampered one, do not make a device known.
    const colleague = await clerk();
    const other = client();
    expect(await login(other, colleague.email, colleague.password)).toBe(200);
    expect(await login(other, person.email, person.password)).toBe(429);
    const forged = client();
    forged.cookies.set('amtsraum_staff_device', genuine!.replace(/^[^~.]+/, 'AAAAAAAAAAAAAAAAAAAAAA'));
    expect(await login(forged, person.email, person.password)).toBe(429);
  });

  // Before, this cookie was named amtsraum_device, as is a paired kiosk's or call display's (path /).
  it('names the known device amtsraum_staff_device, at the sign-in path only, never the pairing cookie’s name', async () => {
    const person = await clerk();
    const response = await client().request('POST', '/api/staff/login', {
      email: person.email,
      password: person.password,
    });
    expect(response.status).toBe(200);
    const set = response.headers.getSetCookie();
    expect(set.find((line) => line.startsWith('amtsraum_staff_device='))).toMatch(/Path=\/api\/staff\/login/);
    expect(set.filter((line) => line.startsWith('amtsraum_device='))).toEqual([]);
  });

  it('still knows a clerk’s device by the old cookie name, beside a kiosk’s, and replaces it at the sign-in', async () => {
    const person = await clerk();
    const before = client();
    expect(await login(before, person.email, person.password)).toBe(200);
    // The cookie as a release before the rename wrote it: same value, the old name.
    const legacy = before.cookies.get('amtsraum_staff_device')!;
    for (let i = 0; i < 10; i++) expect(await login(client(), person.email, `guess-${i}`)).toBe(401);
    expect(await login(client(), person.email, person.password)).toBe(429);

    // The counter PC is a paired kiosk too: its pairing cookie (path /) comes first in the header.
    const upgraded = client();
    const response = await upgraded.request(
      'POST',
      '/api/staff/login',
      { email: person.email, password: person.password },
      { cookie: `amtsraum_device=kiosk-pairing-token; amtsraum_device=${legacy}` },
    );
    expect(response.status).toBe(200);
    const set = response.headers.getSetCookie();
    expect(set.find((line) => line.startsWith('amtsraum_staff_device='))).toBeDefined();
    // The old one is removed where it was set; the kiosk's (path /) is not touched.
    const removed = set.filter((line) => line.startsWith('amtsraum_device='));
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatch(/Path=\/api\/staff\/login/);
    expect(removed[0]).toMatch(/Expires=Thu, 01 Jan 1970/);
    // From now on the new name alone makes the device known.
    expect([...upgraded.cookies.keys()]).toContain('amtsraum_staff_device');
    expect(await login(upgraded, person.email, person.password)).toBe(200);
  });
});
