import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ProblemSchema } from '@amtsraum/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeBookingOffice } from '../test/booking-factories.js';
import { TestClient } from '../test/client.js';
import { createTestDatabase, databaseKinds } from '../test/databases.js';
import { captureLogger, startTestServer, TEST_ORIGIN, type TestServer } from '../test/server.js';

/**
 * Issue 11, item 5: input that names nothing is answered with a 4xx and leaves no error in the
 * log, wherever it enters (path segments, query strings, bodies, cookies, WebSocket messages).
 * Requests go out byte for byte with node:http: fetch would tidy `%2e%2e` away before sending.
 */
function raw(
  url: string,
  method: string,
  target: string,
  options: { body?: string; headers?: Record<string, string> } = {},
) {
  const { hostname, port } = new URL(url);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(
      {
        hostname,
        port,
        method,
        path: target,
        headers: {
          origin: TEST_ORIGIN,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

describe.each(databaseKinds)('malformed input on %s', (kind) => {
  let server: TestServer;
  let webDir: string;
  let office: Awaited<ReturnType<typeof makeBookingOffice>>;
  const log = captureLogger('info');
  // Each test reads only the log lines written since it began.
  let logMark = 0;
  beforeEach(() => {
    logMark = log.text().length;
  });
  const errorLines = () =>
    log
      .text()
      .slice(logMark)
      .split('\n')
      .filter((line) => /"level":(50|60)/.test(line));

  beforeAll(async () => {
    webDir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtsraum-web-'));
    fs.mkdirSync(path.join(webDir, 'assets'));
    fs.writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(webDir, 'assets', 'app-1234.js'), 'console.log(1)');
    server = await startTestServer(await createTestDatabase(kind), {
      logger: log.logger,
      webDistDir: webDir,
      env: { TRUST_PROXY: '1' },
    });
    office = await makeBookingOffice(server.database.db, {
      department: { doorOverride: 'open', doorOverrideAt: new Date() },
    });
  });
  afterAll(async () => {
    await server.stop();
    fs.rmSync(webDir, { recursive: true, force: true });
  });

  const bad = ['%00', 'muster%00stadt', '%ff', '%C0%AF', '%uFFFF', '%E2%80%AE', 'x'.repeat(300), 'A-B'];

  it('answers malformed path segments with 404, never 500, in the API and the page shell', async () => {
    const t = office.tenant.slug;
    const d = office.department.slug;
    const targets = bad.flatMap((x) => [
      `/api/tenants/${x}`,
      `/api/tenants/${x}/departments/${d}`,
      `/api/tenants/${t}/departments/${x}`,
      `/api/tenants/${t}/departments/${x}/door`,
      `/api/tenants/${t}/departments/${x}/booking`,
      `/api/tenants/${t}/departments/${x}/slots?services=a`,
      `/api/staff/departments/${x}/console`,
      `/api/calls/${x}`,
      `/api/dev/mailbox/${x}`,
      `/${x}`,
      `/${x}/${d}`,
      `/${t}/${x}`,
      `/${t}/${x}/wait`,
      `/${x}/${d}/termin`,
    ]);
    for (const target of targets) {
      for (const accept of ['application/json', 'text/html']) {
        const response = await raw(server.url, 'GET', target, { headers: { accept } });
        expect([target, accept, response.status >= 400 && response.status < 500]).toEqual([target, accept, true]);
      }
    }
    const knock = JSON.stringify({ name: 'Kim', concern: 'Test', language: 'de', consent: true });
    for (const x of bad) {
      const response = await raw(server.url, 'POST', `/api/tenants/${t}/departments/${x}/knock`, {
        body: knock,
        headers: { 'x-forwarded-for': `10.5.0.${bad.indexOf(x)}` },
      });
      expect([x, response.status]).toEqual([x, 404]);
      // A segment that cannot even be decoded names no route; one that decodes names no department.
      expect(['department_not_found', 'route_not_found']).toContain(
        ProblemSchema.parse(JSON.parse(response.body)).code,
      );
    }
    const api = await raw(server.url, 'GET', '/api/tenants/%00');
    expect(ProblemSchema.parse(JSON.parse(api.body))).toMatchObject({ status: 404, code: 'tenant_not_found' });
    const shell = await raw(server.url, 'GET', '/muster%00stadt', { headers: { accept: 'text/html' } });
    expect(shell).toMatchObject({ status: 404, body: expect.stringContaining('<div id="root">') as string });
    expect(errorLines()).toEqual([]);
  });

  it('answers encoded traversal and undecodable names under /assets/ with 404', async () => {
    for (const target of [
      '/assets/%2e%2e/%2e%2e/package.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/%00',
      '/assets/app-1234.js%00',
      '/assets/%ff',
      '/assets/%C0%AF',
    ]) {
      const response = await raw(server.url, 'GET', target);
      expect([target, response.status]).toEqual([target, 404]);
      expect(response.body).not.toContain('"workspaces"');
    }
    expect((await raw(server.url, 'GET', '/assets/app-1234.js')).status).toBe(200);
    expect(errorLines()).toEqual([]);
  });

  /** An error answer for a file is not cached, nor revalidated, as if it were the file. */
  function expectNotCachedAsTheFile(response: Response): void {
    expect({
      cacheControl: response.headers.get('cache-control'),
      etag: response.headers.get('etag'),
      lastModified: response.headers.get('last-modified'),
    }).toEqual({ cacheControl: 'no-store', etag: null, lastModified: null });
  }

  it('answers a part of a file past its end with 416 and a failed condition with 412, not as an address that does not exist', async () => {
    const asset = `${server.url}/assets/app-1234.js`;
    const size = (await (await fetch(asset)).arrayBuffer()).byteLength;
    const part = await fetch(asset, { headers: { range: 'bytes=0-1' } });
    expect([part.status, (await part.arrayBuffer()).byteLength]).toEqual([206, 2]);
    for (const [language, title] of [
      ['de', 'Der angefragte Teil dieser Datei liegt außerhalb der Datei.'],
      ['en', 'The requested part of this file lies outside it.'],
    ] as const) {
      const past = await fetch(asset, {
        headers: { range: `bytes=${String(size + 10)}-`, 'accept-language': language },
      });
      expect(past.status).toBe(416);
      expect(past.headers.get('content-range')).toBe(`bytes */${String(size)}`);
      expectNotCachedAsTheFile(past);
      expect(ProblemSchema.parse(await past.json())).toMatchObject({
        status: 416,
        code: 'range_not_satisfiable',
        title,
      });
    }
    const changed = await fetch(asset, { headers: { 'if-match': '"an-older-version"' } });
    expect(changed.status).toBe(412);
    expectNotCachedAsTheFile(changed);
    expect(ProblemSchema.parse(await changed.json())).toMatchObject({
      status: 412,
      code: 'precondition_failed',
      title: 'Diese Datei hat sich inzwischen geändert. Bitte laden Sie die Seite neu.',
    });
    expect(errorLines()).toEqual([]);
  });

  it('refuses malformed slugs in bodies and query strings with 400 naming the field', async () => {
    const citizen = new TestClient(server.url, { 'x-forwarded-for': '10.5.1.1' });
    const base = office.base;
    for (const serviceSlug of ['\u0000', 'pass\u0000', '../x', 'A']) {
      const response = await citizen.post(`${base}/knock`, { name: 'Kim', serviceSlug, language: 'de', consent: true });
      expect([serviceSlug, response.status, response.json.errors?.[0].path]).toEqual([serviceSlug, 400, 'serviceSlug']);
    }
    const slots = await citizen.get(`${base}/slots?services=${encodeURIComponent('a\u0000b')}`);
    expect([slots.status, slots.json.code]).toEqual([400, 'validation_failed']);
    const booking = await citizen.post(`${base}/appointments`, {
      services: ['\u0000'],
      persons: 1,
      startsAt: '2026-11-24T07:00:00.000Z',
      name: 'Kim',
      email: 'kim@test.example',
      language: 'de',
      consent: true,
    });
    expect([booking.status, booking.json.errors?.[0].path]).toEqual([400, 'services.0']);
    expect(errorLines()).toEqual([]);
  });

  it('answers cookies and headers with NUL bytes as if they were absent', async () => {
    for (const cookie of [
      'amtsraum_session=%00',
      'amtsraum_visit=%00.%00',
      'amtsraum_invite=%00',
      'amtsraum_device=%00',
    ]) {
      const headers = { cookie, 'x-forwarded-for': '10.5.2.1' };
      expect((await raw(server.url, 'GET', '/api/visit', { headers })).status).toBe(200);
      expect((await raw(server.url, 'GET', '/api/staff/me', { headers })).status).toBe(401);
      expect((await raw(server.url, 'POST', '/api/visit/leave', { headers, body: '{}' })).status).toBe(404);
      const login = JSON.stringify({ email: 'niemand@test.example', password: 'x' });
      expect((await raw(server.url, 'POST', '/api/staff/login', { headers, body: login })).status).toBe(401);
    }
    expect(errorLines()).toEqual([]);
  });

  it('answers a request Node itself refuses (headers over 16 kB, a malformed request line) with a problem in the requester’s language', async () => {
    const long = `/api/visit?q=${'x'.repeat(20_000)}`;
    const de = await raw(server.url, 'GET', long);
    const en = await raw(server.url, 'GET', long, { headers: { 'accept-language': 'en' } });
    expect([de.status, ProblemSchema.parse(JSON.parse(de.body))]).toEqual([
      431,
      {
        type: 'about:blank#headers_too_large',
        title:
          'Die Adresse oder die Cookies dieser Anfrage sind zu lang. Bitte kürzen Sie die Adresse oder löschen Sie die Cookies dieser Seite.',
        status: 431,
        code: 'headers_too_large',
      },
    ]);
    expect([en.status, ProblemSchema.parse(JSON.parse(en.body)).title]).toEqual([
      431,
      'The address or the cookies of this request are too long. Please shorten the address or delete this site’s cookies.',
    ]);
    const { hostname, port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.end('GET /api/health NOT-HTTP\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(ProblemSchema.parse(JSON.parse(answer.split('\r\n\r\n')[1]!))).toMatchObject({
      status: 400,
      code: 'invalid_json',
    });
    expect(errorLines()).toEqual([]);
  });

  it('answers a method the server does not know with 501 in the requester’s language, not as a body it cannot read', async () => {
    const { hostname, port } = new URL(server.url);
    const send = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), hostname, () => socket.end(head));
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
    const de = await send('BREW /api/health HTTP/1.1\r\nHost: x\r\n\r\n');
    const en = await send('BREW /api/health HTTP/1.1\r\nHost: x\r\nAccept-Language: en\r\n\r\n');
    expect(de).toMatch(/^HTTP\/1\.1 501 Not Implemented\r\n/);
    expect(ProblemSchema.parse(JSON.parse(de.split('\r\n\r\n')[1]!))).toEqual({
      type: 'about:blank#method_not_implemented',
      title: 'Diese Art von Anfrage kennt der Server nicht.',
      status: 501,
      code: 'method_not_implemented',
    });
    expect(ProblemSchema.parse(JSON.parse(en.split('\r\n\r\n')[1]!)).title).toBe(
      'The server does not know this kind of request.',
    );
    expect(errorLines()).toEqual([]);
  });

  it('refuses a watch-door message with a malformed slug as an invalid message', async () => {
    const live = await new TestClient(server.url).live();
    for (const tenant of ['\u0000', 'muster\u0000stadt', 'x'.repeat(64)]) {
      const answer = live.next('error');
      live.send({ type: 'watch-door', tenant, department: office.department.slug });
      expect((await answer).code).toBe('invalid_message');
    }
    const door = live.next('door');
    live.send({ type: 'watch-door', tenant: office.tenant.slug, department: office.department.slug });
    expect((await door).department).toBe(office.department.slug);
    live.close();
    expect(errorLines()).toEqual([]);
  });

  it('says what is wrong with a live message in the language of the page, German by default', async () => {
    const said = async (headers: Record<string, string>) => {
      const live = await new TestClient(server.url, headers).live();
      const messages = [];
      for (const message of [
        { type: 'no-such-message' },
        { type: 'watch-door', tenant: office.tenant.slug, department: 'no-such-office' },
      ]) {
        const answer = live.next('error');
        live.send(message);
        messages.push(await answer);
      }
      live.close();
      return messages.map(({ code, message }) => ({ code, message }));
    };
    // Once English developer text whatever the page's language ("message does not match the schema"),
    // which now goes as `detail`, as over HTTP.
    expect(await said({})).toEqual([
      {
        code: 'invalid_message',
        message: 'Diese Nachricht hat nicht die erwartete Form und wurde nicht verarbeitet.',
      },
      { code: 'department_not_found', message: 'Dieses Amt gibt es hier nicht.' },
    ]);
    expect(await said({ 'accept-language': 'en-GB,en;q=0.9' })).toEqual([
      { code: 'invalid_message', message: 'This message does not have the expected form and was not processed.' },
      { code: 'department_not_found', message: 'This department does not exist here.' },
    ]);
    expect(errorLines()).toEqual([]);
  });
});
