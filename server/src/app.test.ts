import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { HealthResponseSchema, ProblemSchema } from '@amtsraum/shared';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createTestDatabase, databaseKinds } from './test/databases.js';
import { makeDepartment, makeStaff, makeTenant } from './test/factories.js';
import { mountedRoutes, type MountedRoute } from './test/routes.js';
import { captureLogger, startTestServer, TEST_ORIGIN, type TestServer } from './test/server.js';

const BIG_SCRIPT = `export const words = ${JSON.stringify('Bürgeramt '.repeat(500))};`;

/** A GET with exactly these headers (fetch would add and undo its own Accept-Encoding). */
function rawGet(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) });
        });
      })
      .on('error', reject);
  });
}

/** A POST with exactly these headers and bytes (fetch would not send a body it cannot describe). */
function rawPost(url: string, headers: Record<string, string>, body: Buffer) {
  return new Promise<{ status: number; json: unknown }>((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-length': String(body.length), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe.each(databaseKinds)('HTTP basics on %s', (kind) => {
  let server: TestServer;
  let webDir: string;
  const log = captureLogger('debug');

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Amtsraum</title><div id="root"></div>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    // As web/vite/precompress.ts writes them; and one outside assets/ that must never be sent.
    fs.writeFileSync(path.join(webDir, 'assets', 'big-5678.js'), BIG_SCRIPT);
    fs.writeFileSync(path.join(webDir, 'assets', 'big-5678.js.br'), brotliCompressSync(BIG_SCRIPT));
    fs.writeFileSync(path.join(webDir, 'assets', 'big-5678.js.gz'), gzipSync(BIG_SCRIPT));
    fs.writeFileSync(path.join(webDir, 'secret.js.br'), brotliCompressSync('secret'));
    // The build's list of which module is in which file (web/vite.config.ts): for tests, not for browsers.
    fs.mkdirSync(path.join(webDir, '.vite'));
    fs.writeFileSync(path.join(webDir, '.vite', 'manifest.json'), '{"src/main.tsx":{"file":"assets/app-1234.js"}}');
    server = await startTestServer(await createTestDatabase(kind), { logger: log.logger, webDistDir: webDir });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  it('reports health with the database kind and the call transport', async () => {
    const response = await fetch(`${server.url}/api/health`);
    expect(response.status).toBe(200);
    expect(HealthResponseSchema.parse(await response.json())).toMatchObject({
      status: 'ok',
      database: { kind, reachable: true },
      media: { mode: 'p2p', e2ee: false },
    });
  });

  it('answers an unknown API route with a 404 problem', async () => {
    const response = await fetch(`${server.url}/api/nothing-here`);
    expect(response.status).toBe(404);
    expect(ProblemSchema.parse(await response.json()).code).toBe('route_not_found');
  });

  it('answers a real address asked with the wrong method with 405 and the methods it takes, in German and English', async () => {
    const leave = await fetch(`${server.url}/api/visit/leave`, { method: 'PUT', headers: { Origin: TEST_ORIGIN } });
    expect(leave.status).toBe(405);
    expect(leave.headers.get('allow')).toBe('POST');
    const problem = ProblemSchema.parse(await leave.json());
    expect(problem.code).toBe('method_not_allowed');
    expect(problem.title).toMatch(/Adresse gibt es, aber/);
    // Through routers mounted under parameters (the tenant's public page), and in English.
    const tenant = await fetch(`${server.url}/api/tenants/musterstadt`, {
      method: 'DELETE',
      headers: { Origin: TEST_ORIGIN, 'Accept-Language': 'en' },
    });
    expect(tenant.status).toBe(405);
    expect(tenant.headers.get('allow')).toBe('GET, HEAD');
    expect(ProblemSchema.parse(await tenant.json()).title).toMatch(/address exists, but/);
    // Unknown with any method: still 404.
    const nothing = await fetch(`${server.url}/api/nothing-here`, { method: 'POST', headers: { Origin: TEST_ORIGIN } });
    expect([nothing.status, nothing.headers.get('allow')]).toEqual([404, null]);
  });

  it('serves each API path from one router only, so their order is free (the clerk and rush routes come first)', () => {
    // The API's routers, by their place in it: two that could both match one request would depend
    // on their order, which app.ts chooses for speed (issue 14).
    const routes = mountedRoutes(createApp(server.deps), { twice: true }).filter((route) =>
      route.path.startsWith('/api/'),
    );
    const segments = (route: MountedRoute) => route.path.split('/');
    const overlap = (a: MountedRoute, b: MountedRoute) =>
      a.method === b.method &&
      segments(a).length === segments(b).length &&
      segments(a).every((part, i) => {
        const other = segments(b)[i]!;
        return part === other || part.startsWith(':') || other.startsWith(':');
      });
    expect(routes.every((route) => !/[*?{(]/.test(route.path))).toBe(true);
    const shared = routes.flatMap((a, i) =>
      routes
        .slice(i + 1)
        .flatMap((b) => (a.mount?.[1] !== b.mount?.[1] && overlap(a, b) ? [`${a.path} ${b.path}`] : [])),
    );
    // The one intended: a clerk no longer in the department may still end their call; members go on.
    const finish = '/api/staff/departments/:departmentId/visits/:visitId/finish';
    expect(shared).toEqual([`${finish} ${finish}`]);
    const place = (path: string, method: string) =>
      routes.find((route) => route.path === path && route.method === method)!.mount![1]!;
    expect(place(finish, 'POST')).toBeLessThan(place('/api/staff/departments/:departmentId/admit-next', 'POST'));
    expect(place('/api/visit/leave', 'POST')).toBeLessThan(place('/api/health', 'GET'));
    expect(place('/api/tenants/:tenant/departments/:department/slots', 'GET')).toBeLessThan(
      place('/api/tenants/:tenant/departments/:department', 'GET'),
    );
  });

  it('answers malformed JSON with 400 and oversized bodies with 413', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/tenants`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const malformed = await post('{"name": ');
    expect(malformed.status).toBe(400);
    expect(ProblemSchema.parse(await malformed.json()).code).toBe('invalid_json');
    const huge = await post(JSON.stringify({ text: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(413);
    expect(ProblemSchema.parse(await huge.json()).code).toBe('payload_too_large');
  });

  it('answers a body it cannot read with 400, and one of another type or encoding with 415', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const knock = `${server.url}/api/tenants/${tenant.slug}/departments/${department.slug}/knock`;
    const json = 'application/json';
    const problem = (response: { json: unknown }) => ProblemSchema.parse(response.json);

    const corrupt = await rawPost(knock, { 'content-type': json, 'content-encoding': 'gzip' }, Buffer.from('garbage'));
    expect([corrupt.status, problem(corrupt).code]).toEqual([400, 'invalid_json']);
    expect(problem(corrupt).title).toBe('Der Inhalt der Anfrage ist nicht lesbar oder kein gültiges JSON.');
    const truncated = gzipSync(JSON.stringify({ name: 'Alex' })).subarray(0, 12);
    const cut = await rawPost(
      knock,
      { 'content-type': json, 'content-encoding': 'gzip', 'accept-language': 'en' },
      truncated,
    );
    expect([cut.status, problem(cut).code, problem(cut).title]).toEqual([
      400,
      'invalid_json',
      'The request body cannot be read or is not valid JSON.',
    ]);

    for (const encoding of ['compress', 'x-unknown', 'gzip, gzip']) {
      const response = await rawPost(knock, { 'content-type': json, 'content-encoding': encoding }, Buffer.from('{}'));
      expect([encoding, response.status, problem(response).code]).toEqual([encoding, 415, 'unsupported_media_type']);
    }
    const body = Buffer.from(JSON.stringify({ name: 'Alex', concern: 'Ausweis', language: 'de', consent: true }));
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded']) {
      const response = await rawPost(knock, { 'content-type': type }, body);
      expect([type, response.status, problem(response).code]).toEqual([type, 415, 'unsupported_media_type']);
    }
    const untyped = await rawPost(knock, {}, body);
    expect([untyped.status, problem(untyped).code]).toEqual([415, 'unsupported_media_type']);

    // A gzipped JSON body is read as before: here its one wrong field is named.
    const nameless = Buffer.from(JSON.stringify({ name: ' ', concern: 'Ausweis', language: 'de', consent: true }));
    const gzipped = await rawPost(knock, { 'content-type': json, 'content-encoding': 'gzip' }, gzipSync(nameless));
    expect([gzipped.status, problem(gzipped).code, problem(gzipped).errors?.map((error) => error.path)]).toEqual([
      400,
      'validation_failed',
      ['name'],
    ]);
    // A POST without a body needs no type.
    const empty = await rawPost(`${server.url}/api/visit/leave`, {}, Buffer.alloc(0));
    expect(problem(empty).code).toBe('visit_not_found');
  });

  it('sends security headers with a Content-Security-Policy', async () => {
    const response = await fetch(`${server.url}/api/health`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Nothing from elsewhere: no https stylesheet or font may be pulled in.
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("font-src 'self'");
    expect(csp).not.toMatch(/https:/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    // The camera, microphone and screen for our own pages only; what no page needs, for nobody.
    const permissions = response.headers.get('permissions-policy') ?? '';
    expect(permissions).toContain('camera=(self)');
    expect(permissions).toContain('microphone=(self)');
    expect(permissions).toContain('display-capture=(self)');
    expect(permissions).toContain('geolocation=()');
    expect(csp).not.toContain('upgrade-insecure-requests'); // plain http here
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tags the page shell for revalidation and no API answer, which is never stored', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const api = await fetch(`${server.url}/api/tenants/${tenant.slug}`);
    expect(api.status).toBe(200);
    expect(api.headers.get('cache-control')).toBe('no-store');
    expect(api.headers.get('etag')).toBeNull();

    const shell = await rawGet(`${server.url}/${tenant.slug}`, { accept: 'text/html' });
    expect(shell.status).toBe(200);
    const tag = shell.headers.etag;
    expect(tag).toMatch(/^"[\w-]{27}"$/);
    // Every page is the one shell: one tag, and a browser holding it gets 304 without a body.
    expect((await rawGet(`${server.url}/staff`, { accept: 'text/html' })).headers.etag).toBe(tag);
    const again = await rawGet(`${server.url}/${tenant.slug}`, { accept: 'text/html', 'if-none-match': tag! });
    expect(again.status).toBe(304);
    expect(again.body).toHaveLength(0);
    // A page that names nothing is still 404, whatever the browser holds.
    const missing = await rawGet(`${server.url}/gibtsnicht`, { accept: 'text/html', 'if-none-match': tag! });
    expect(missing.status).toBe(404);
  });

  it('serves the client shell with 200 for real pages and 404 for unknown slugs', async () => {
    const db = server.database.db;
    const tenant = await makeTenant(db);
    const department = await makeDepartment(db, tenant.id);
    const page = (p: string) => fetch(`${server.url}${p}`, { headers: { accept: 'text/html' } });
    const pages = [
      '/',
      `/${tenant.slug}`,
      `/${tenant.slug}/${department.slug}`,
      `/${tenant.slug}/${department.slug}/wait`,
      `/${tenant.slug}/${department.slug}/termin`,
    ];
    for (const ok of [
      ...pages,
      '/staff',
      '/staff/login',
      '/staff/some-department',
      '/call/some-visit',
      '/call/some-visit/ended',
      '/dev/mailbox',
    ]) {
      const response = await page(ok);
      expect(response.status, ok).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
    }
    // Pages opened from links with a token in the fragment leak nothing of their address.
    for (const tokenPage of ['/einladung', '/termin', '/termin/beitreten']) {
      const response = await page(tokenPage);
      expect(response.status, tokenPage).toBe(200);
      expect(response.headers.get('referrer-policy'), tokenPage).toBe('no-referrer');
    }
    expect((await page('/')).headers.get('referrer-policy')).toBe('same-origin');
    for (const missing of [
      '/gibtsnicht',
      `/${tenant.slug}/gibtsnicht`,
      `/${tenant.slug}/${department.slug}/extra`,
      '/gibtsnicht/amt/wait',
      '/gibtsnicht/amt/termin',
    ]) {
      const response = await page(missing);
      expect(response.status, missing).toBe(404);
      expect(await response.text()).toContain('<div id="root">');
    }
    const asset = await fetch(`${server.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.url}/assets/missing.js`)).status).toBe(404);
    const manifest = await fetch(`${server.url}/.vite/manifest.json`);
    expect(await manifest.text()).not.toContain('src/main.tsx');
  });

  it('sends scripts precompressed to browsers that take it, and plain to the others', async () => {
    const get = (acceptEncoding?: string) =>
      rawGet(`${server.url}/assets/big-5678.js`, acceptEncoding ? { 'accept-encoding': acceptEncoding } : {});

    const brotli = await get('gzip, deflate, br');
    expect(brotli.status).toBe(200);
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotli.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(brotli.headers.vary).toContain('Accept-Encoding');
    expect(brotli.headers['cache-control']).toContain('immutable');
    expect(brotliDecompressSync(brotli.body).toString()).toBe(BIG_SCRIPT);
    expect(brotli.body.length).toBeLessThan(BIG_SCRIPT.length / 10);

    const gzip = await get('br;q=0, gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(BIG_SCRIPT);

    for (const plain of [await get(), await get('identity'), await get('gzip;q=0, br;q=0')]) {
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.toString()).toBe(BIG_SCRIPT);
    }

    // Nothing outside assets/, however the path is spelled.
    for (const sneaky of ['/assets/..%2Fsecret.js', '/assets/%2e%2e/secret.js', '/assets/..%5csecret.js']) {
      const response = await rawGet(`${server.url}${sneaky}`, { 'accept-encoding': 'br' });
      expect(response.status, sneaky).not.toBe(200);
      expect(response.body.toString(), sneaky).not.toContain('secret');
    }
  });

  it('keeps cookies, authorization headers and query strings out of the logs', async () => {
    await fetch(`${server.url}/api/health?email=someone@example.org`, {
      headers: { cookie: 'amtsraum_session=very-secret-cookie', authorization: 'Bearer very-secret-token' },
    });
    const text = log.text();
    expect(text).toContain('/api/health');
    expect(text).not.toContain('very-secret');
    expect(text).not.toContain('someone@example.org');
  });
});

describe('when the database fails', () => {
  let server: TestServer;
  afterEach(() => server.stop());

  it('reports 503 on health, and 503 database_unavailable without internals elsewhere', async () => {
    const log = captureLogger('warn');
    server = await startTestServer(await createTestDatabase('pglite'), { logger: log.logger });
    await server.database.close();

    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(503);
    expect(HealthResponseSchema.parse(await health.json()).database.reachable).toBe(false);

    const response = await fetch(`${server.url}/api/tenants`, { headers: { 'accept-language': 'en' } });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    const text = await response.text();
    expect(ProblemSchema.parse(JSON.parse(text))).toMatchObject({
      code: 'database_unavailable',
      title: 'The service is unavailable right now. Please try again shortly.',
    });
    expect(text).not.toMatch(/closed|stack|at .*\.ts/i);
    // One short warning per request, not a stack for each while the database is away.
    expect(log.text()).toContain('database unavailable');
    expect(log.text()).not.toContain('unexpected error');
  });

  it('says a full disk in one line naming it, and asks the person to try again, not of a fault', async () => {
    const log = captureLogger('warn');
    server = await startTestServer(await createTestDatabase('pglite'), { logger: log.logger });
    const clerk = await makeStaff(server.database.db, (await makeTenant(server.database.db)).id);
    // Every read of the staff fails as PostgreSQL fails when it cannot extend a file.
    for (const statement of [
      `create function disk_is_full() returns boolean language plpgsql as $$ begin ` +
        `raise exception 'could not extend file "base/5/16619": No space left on device' using errcode = 'disk_full'; end $$`,
      'alter table staff rename to staff_kept',
      'create view staff as select * from staff_kept where disk_is_full()',
    ]) {
      await server.database.db.execute(sql.raw(statement));
    }
    const response = await fetch(`${server.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: TEST_ORIGIN, 'accept-language': 'en' },
      body: JSON.stringify({ email: clerk.email, password: 'ein-langes-passwort' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(ProblemSchema.parse(await response.json()).code).toBe('database_unavailable');
    expect(log.text()).toContain("the database's disk is full, nothing can be saved until space is freed");
    expect(log.text()).not.toMatch(/unexpected error|"stack"/);
  });
});
