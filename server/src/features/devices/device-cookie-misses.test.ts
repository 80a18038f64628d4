import { ProblemSchema } from '@amtsraum/shared';
import { describe, expect, it } from 'vitest';
import { TestClient } from '../../test/client.js';
import { databaseKinds } from '../../test/databases.js';
import { pairedDisplay } from '../../test/display-stream.js';
import { useTestServer } from '../../test/suite.js';
import { DEVICE_COOKIE_MISSES } from './require-device.js';

// A smaller limit than the real one (600 in ten minutes), so that reaching it takes a moment; the
// server below is made after this, and its limiter reads it when it is made.
DEVICE_COOKIE_MISSES.perAddress.max = 25;

// A kiosk's or call display's cookie is a random token looked up in the database. A script making
// such cookies up was answered 401 as often as it asked, each answer a lookup, from one address
// without end (a made-up staff session cookie was limited already: staff-request-limits.ts).
describe.each(databaseKinds)('made-up kiosk and display cookies on %s', (kind) => {
  const suite = useTestServer(kind);

  it('are answered 429 past the limit from one address, readably, while a paired display there is served', async () => {
    const address = '10.250.0.7';
    const { display } = await pairedDisplay(suite.server, { address });
    const script = new TestClient(suite.server.url, { 'x-forwarded-for': address });
    // Every route behind a device cookie counts in the same limit.
    const paths = ['/api/devices/display/me', '/api/devices/kiosk/me', '/api/kiosk', '/api/devices/display/calls'];
    const max = DEVICE_COOKIE_MISSES.perAddress.max;
    const statuses: number[] = [];
    for (let i = 0; i < max + 3; i++) {
      script.cookies.set('amtsraum_device', `made-up-${String(i)}`);
      statuses.push((await script.get(paths[i % paths.length]!)).status);
    }
    expect(new Set(statuses.slice(0, max))).toEqual(new Set([401]));
    expect(new Set(statuses.slice(max))).toEqual(new Set([429]));

    const german = await script.get('/api/devices/display/me');
    expect(german.status).toBe(429);
    expect(Number(german.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = ProblemSchema.parse(german.json);
    expect(problem.code).toBe('rate_limited');
    expect(problem.title).toMatch(/versuchen/); // German by default
    const english = await script.request('GET', '/api/kiosk', undefined, { 'accept-language': 'en' });
    expect(english.status).toBe(429);
    expect(ProblemSchema.parse(english.json).title).toMatch(/try again/i);

    // The display paired behind that very address is served, its list and its stream too.
    expect((await display.get('/api/devices/display/me')).status).toBe(200);
    expect((await display.get('/api/devices/display/calls')).status).toBe(200);
    // Another address's made-up cookie is its own business; a page without any device cookie
    // costs no lookup, is not counted, and still learns it is not paired.
    const other = suite.client();
    other.cookies.set('amtsraum_device', 'made-up-elsewhere');
    expect((await other.get('/api/devices/display/me')).status).toBe(401);
    expect((await new TestClient(suite.server.url, { 'x-forwarded-for': address }).get('/api/kiosk')).status).toBe(401);
  });
});
