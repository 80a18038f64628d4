import { describe, expect, it } from 'vitest';
import { TestClient } from '../test/client.js';
import { databaseKinds } from '../test/databases.js';
import { useTestServer } from '../test/suite.js';

// One IPv6 host holds a whole /64 (2^64 addresses): counted per bare address, the per-address
// limits of the HTTP routes let it start afresh with every request. They count per address group
// now, as the live hub's socket cap always did (lib/client-address.ts).
describe.each(databaseKinds)('per-address limits from a rotating IPv6 /64, on %s', (kind) => {
  const suite = useTestServer(kind);
  /** A client at the `n`th address of the /64 `prefix` (four hextets). */
  const at = (prefix: string, n: number) =>
    new TestClient(suite.server.url, {
      'x-forwarded-for': `${prefix}:${n.toString(16)}:0:0:${(n * 7 + 1).toString(16)}`,
    });
  const guess = (n: number) => ({ token: `guess-${String(n)}`.padEnd(24, 'x') });

  it('refuses a link guesser its 31st look, whichever address of its /64 it comes from', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await at('2001:db8:31:1', i).post('/api/invites/check', guess(i))).status);
    expect(statuses).toEqual([...Array<number>(30).fill(404), 429]);
    // The compressed spelling of an address in the same /64 is the same client.
    const compressed = new TestClient(suite.server.url, { 'x-forwarded-for': '2001:db8:31:1::99' });
    expect((await compressed.post('/api/invites/check', guess(99))).json.code).toBe('rate_limited');
    // The neighbouring /64 is another household, served as before.
    expect((await at('2001:db8:31:2', 0).post('/api/invites/check', guess(0))).status).toBe(404);
  });

  it('gives a password guesser twenty tries per /64, not twenty per address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      // Another account each time, so only the address's count can stop it.
      const body = { email: `nobody-${String(i)}@example.org`, password: 'not the password' };
      statuses.push((await at('2001:db8:32:1', i).post('/api/staff/login', body)).status);
    }
    expect(statuses.slice(0, 20)).not.toContain(429);
    expect(statuses[20]).toBe(429);
  });
});
