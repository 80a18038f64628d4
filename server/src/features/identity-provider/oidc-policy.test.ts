import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { IdentityProviderInput } from '@amtsraum/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantIdentityProviders } from '../../db/schema.js';
import { databaseKinds } from '../../test/databases.js';
import { makeTenant, signedInAdmin } from '../../test/factories.js';
import { Browser, startTestProvider, type TestProvider } from '../../test/oidc-provider.js';
import { TEST_ORIGIN, testConfig } from '../../test/server.js';
import { useTestServer } from '../../test/suite.js';
import { discover, MAX_BYTES } from './oidc-client.js';
import { checkUrl, isPublicAddress, type OidcPolicy } from './oidc-policy.js';

/** Decision 026: which providers a municipality may sign in through, and what the server fetches. */

const DEFAULT_POLICY: OidcPolicy = { allowedIssuers: [], allowInternal: false };

/**
 * A provider gone wrong, on 127.0.0.1: per path prefix a discovery document that names a
 * forbidden endpoint, redirects, or never ends; and an "internal" service counting its visitors.
 */
async function startBadProvider() {
  const hits: string[] = [];
  const internal = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('{}');
  });
  await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
  const internalPort = (internal.address() as AddressInfo).port;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '';
    hits.push(url);
    const [, prefix] = url.split('/');
    const issuer = `${origin}/${prefix ?? ''}`;
    const document = (overrides: Record<string, string> = {}) => ({
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      ...overrides,
    });
    res.setHeader('content-type', 'application/json');
    if (url === '/ssrf/.well-known/openid-configuration') {
      // The token endpoint on a host the installation does not list: an internal service.
      res.end(JSON.stringify(document({ token_endpoint: `http://localhost:${String(internalPort)}/token` })));
    } else if (url === '/redirect/.well-known/openid-configuration') {
      res.writeHead(302, { location: `http://localhost:${String(internalPort)}/.well-known/openid-configuration` });
      res.end();
    } else if (url === '/huge/.well-known/openid-configuration') {
      // Valid JSON, but without a length and far over the limit: read in pieces, cut off.
      res.write(`${JSON.stringify(document()).slice(0, -1)},"padding":"`);
      const piece = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 8; i += 1) res.write(piece);
      res.end('"}');
    } else if (url === '/fine/.well-known/openid-configuration') {
      res.end(JSON.stringify(document()));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    origin,
    hits,
    internalHits: () => hits.filter((hit) => hit.startsWith('/token') || hit.startsWith('/.well-known')),
    stop: async () => {
      for (const one of [server, internal]) {
        one.closeAllConnections();
        await new Promise<void>((resolve) => one.close(() => resolve()));
      }
    },
  };
}

describe('the installation’s policy on OpenID providers', () => {
  it('reads OIDC_ALLOWED_ISSUERS and OIDC_ALLOW_INTERNAL_PROVIDERS, and refuses a malformed list', () => {
    expect(testConfig({ OIDC_ALLOW_INTERNAL_PROVIDERS: 'false' }).oidcPolicy).toEqual(DEFAULT_POLICY);
    expect(
      testConfig({ OIDC_ALLOWED_ISSUERS: 'https://Login.Kommune.de, *.rathaus.de intern.local' }).oidcPolicy,
    ).toEqual({
      allowedIssuers: [{ origin: 'https://login.kommune.de' }, { suffix: '.rathaus.de' }, { host: 'intern.local' }],
      allowInternal: true,
    });
    expect(() => testConfig({ OIDC_ALLOWED_ISSUERS: 'https://login.kommune.de/realms/x' })).toThrow(
      /OIDC_ALLOWED_ISSUERS: expected origins/,
    );
    expect(() => testConfig({ OIDC_ALLOW_INTERNAL_PROVIDERS: 'vielleicht' })).toThrow(/OIDC_ALLOW_INTERNAL_PROVIDERS/);
  });

  it('tells public addresses from loopback, private, link-local, unique-local and other inner ones', () => {
    for (const inner of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '2001:db8::1',
      'ff02::1',
      'not-an-address',
    ]) {
      expect(isPublicAddress(inner), inner).toBe(false);
    }
    for (const outer of ['93.184.215.14', '8.8.8.8', '2a00:1450:4001:82a::200e', '2606:4700::1111']) {
      expect(isPublicAddress(outer), outer).toBe(true);
    }
  });

  it('refuses http, literal inner addresses, names resolving to them, and hosts not on the list', async () => {
    const refused = async (policy: OidcPolicy, url: string) =>
      checkUrl(policy, new URL(url)).then(
        () => 'allowed',
        (error: { problem?: string }) => error.problem ?? 'unresolved',
      );
    expect(await refused(DEFAULT_POLICY, 'http://93.184.215.14/')).toBe('https');
    expect(await refused(DEFAULT_POLICY, 'https://93.184.215.14/')).toBe('allowed');
    expect(await refused(DEFAULT_POLICY, 'https://127.0.0.1:8443/')).toBe('address');
    expect(await refused(DEFAULT_POLICY, 'https://[::1]/')).toBe('address');
    expect(await refused(DEFAULT_POLICY, 'https://[::ffff:127.0.0.1]/')).toBe('address');
    expect(await refused(DEFAULT_POLICY, 'https://169.254.169.254/latest/meta-data')).toBe('address');
    expect(await refused(DEFAULT_POLICY, 'https://localhost/')).toBe('address');
    expect(await refused(DEFAULT_POLICY, 'https://user:pw@93.184.215.14/')).toBe('listed');
    const listed: OidcPolicy = { allowedIssuers: [{ suffix: '.kommune.de' }], allowInternal: true };
    expect(await refused(listed, 'http://localhost/')).toBe('listed');
    expect(await refused(listed, 'http://kommune.de.example/')).toBe('listed');
    expect(await refused(listed, 'http://login.kommune.de/')).toBe('allowed');
    const internal: OidcPolicy = { allowedIssuers: [], allowInternal: true };
    expect(await refused(internal, 'http://127.0.0.1:8080/')).toBe('allowed');
    expect(await refused(internal, 'ftp://127.0.0.1/')).toBe('https');
  });

  describe('fetching a provider’s discovery', () => {
    let bad: Awaited<ReturnType<typeof startBadProvider>>;
    beforeAll(async () => {
      bad = await startBadProvider();
    });
    afterAll(() => bad.stop());
    const policy = (): OidcPolicy => ({ allowedIssuers: [{ host: '127.0.0.1' }], allowInternal: true });
    const failure = (issuer: string, with_ = policy()) =>
      discover(with_, issuer, new Date()).then(
        () => 'discovered',
        (error: Error & { unreachable?: boolean }) => ({ message: error.message, unreachable: error.unreachable }),
      );

    it('takes a good one, and refuses a loopback issuer under the default policy without asking it', async () => {
      expect(await failure(`${bad.origin}/fine`)).toBe('discovered');
      const before = bad.hits.length;
      expect(await failure(`${bad.origin}/fine`, DEFAULT_POLICY)).toEqual({
        message: expect.stringMatching(/^discovery refused by the policy: http: is not allowed/),
        unreachable: true,
      });
      expect(bad.hits.length).toBe(before);
    });

    it('refuses a document naming an endpoint outside the policy, a redirect and an oversized answer', async () => {
      expect(await failure(`${bad.origin}/ssrf`)).toEqual({
        message: expect.stringMatching(/^discovery names a refused token_endpoint: localhost:\d+ is not in/),
        unreachable: true,
      });
      expect(await failure(`${bad.origin}/redirect`)).toEqual({
        message: 'discovery answered with a redirect (HTTP 302), which is not followed',
        unreachable: true,
      });
      expect(await failure(`${bad.origin}/huge`)).toEqual({
        message: `discovery is larger than ${String(MAX_BYTES)} bytes`,
        unreachable: true,
      });
      // Neither the redirect's target nor the named token endpoint was asked.
      expect(bad.internalHits()).toEqual([]);
    });

    it('connects to the address it checked: a name that rebinds to an inner address after the check reaches nothing there', async () => {
      // Two listeners on one port, counting who connects: 127.0.0.2 plays a public address (the
      // policy below says so; nothing leaves the machine), 127.0.0.1 the inner one.
      const hits = { outer: 0, inner: 0 };
      const listener = (side: keyof typeof hits) =>
        net.createServer((socket) => {
          hits[side] += 1;
          socket.destroy();
        });
      const outer = listener('outer');
      await new Promise<void>((resolve) => outer.listen(0, '127.0.0.2', resolve));
      const port = (outer.address() as AddressInfo).port;
      const inner = listener('inner');
      await new Promise<void>((resolve) => inner.listen(port, '127.0.0.1', resolve));
      try {
        // A rebinding DNS server: the "public" address first, the inner one from then on.
        const asked: string[] = [];
        const rebinding: OidcPolicy = {
          ...DEFAULT_POLICY,
          isPublic: (address) => address === '127.0.0.2',
          resolve: (host) => {
            asked.push(host);
            return Promise.resolve(asked.length === 1 ? ['127.0.0.2'] : ['127.0.0.1']);
          },
        };
        // localhost: a second resolution by the system would lead to 127.0.0.1.
        const result = await failure(`https://localhost:${String(port)}/rebind`, rebinding);
        expect(result).toEqual({ message: expect.stringMatching(/^discovery not reachable: /), unreachable: true });
        expect(asked).toEqual(['localhost']);
        expect(hits).toEqual({ outer: 1, inner: 0 });
        // Asked again, the same resolver now answers the inner address, refused before connecting.
        expect(await failure(`https://localhost:${String(port)}/again`, rebinding)).toEqual({
          message: 'discovery refused by the policy: localhost resolves to 127.0.0.1, not a public address',
          unreachable: true,
        });
        expect(hits).toEqual({ outer: 1, inner: 0 });
      } finally {
        await Promise.all(
          [outer, inner].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
        );
      }
    });
  });
});

describe.each(databaseKinds)('sign-in through a provider the policy refuses on %s', (kind) => {
  describe('under the default policy', () => {
    const suite = useTestServer(kind, { env: { OIDC_ALLOW_INTERNAL_PROVIDERS: 'false' } });
    const { client, db } = suite;
    const slug = `policy-${randomBytes(4).toString('hex')}`;
    let provider: TestProvider;
    beforeAll(async () => {
      provider = await startTestProvider({ redirectUris: [`${TEST_ORIGIN}/api/auth/oidc/${slug}/callback`] });
    });
    afterAll(() => provider.stop());

    const input = (issuer: string): IdentityProviderInput => ({
      issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      label: { de: 'Rathaus-Konto' },
      roleMapping: [{ value: 'it', tenantAdmin: true }],
    });

    it('refuses a loopback issuer at save with a field error in the user’s language, and changes nothing', async () => {
      const tenant = await makeTenant(db(), { slug });
      const { browser } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
      const path = `/api/admin/tenants/${slug}/identity-provider`;
      const port = new URL(provider.issuer).port;
      for (const issuer of [`https://127.0.0.1:${port}`, `https://localhost:${port}`, 'https://[::1]']) {
        const answer = await browser.put(path, input(issuer));
        expect(answer.status, issuer).toBe(400);
        expect(answer.json.errors).toEqual([
          { path: 'issuer', message: 'Diese Issuer-URL ist in dieser Installation nicht freigegeben.' },
        ]);
      }
      const english = await browser.request('PUT', path, input('https://169.254.169.254'), { 'accept-language': 'en' });
      expect(english.json.errors).toEqual([
        { path: 'issuer', message: 'This issuer URL is not allowed in this installation.' },
      ]);
      const plain = await browser.put(path, input(provider.issuer));
      expect(plain.json.errors).toEqual([{ path: 'issuer', message: 'Der Issuer muss eine https-Adresse sein.' }]);
      expect((await browser.get(path)).json.provider).toBeNull();
    });

    it('refuses the sign-in through a loopback provider saved before the policy, without asking it', async () => {
      const tenant = await makeTenant(db());
      // Saved while the installation allowed internal providers; it no longer does.
      await db()
        .insert(tenantIdentityProviders)
        .values({
          tenantId: tenant.id,
          issuer: provider.issuer,
          clientId: provider.clientId,
          label: { de: 'Rathaus-Konto' },
          scopes: 'openid',
          roleClaim: 'groups',
          roleMapping: [],
          provisionAccounts: false,
          enabled: true,
          updatedAt: new Date(),
        });
      const browser = new Browser();
      const start = await browser.request(`${suite.server.url}/api/auth/oidc/${tenant.slug}/start`);
      expect(start.status).toBe(303);
      const to = new URL(start.location!);
      expect(to.pathname).toBe('/staff/login');
      expect(Object.fromEntries(to.searchParams)).toEqual({ tenant: tenant.slug, oidcError: 'unreachable' });
      expect(browser.jar(suite.server.url).has('amtsraum_oidc')).toBe(false);
    });
  });

  describe('with internal providers allowed, but only 127.0.0.1 listed', () => {
    const suite = useTestServer(kind, {
      env: { OIDC_ALLOW_INTERNAL_PROVIDERS: 'true', OIDC_ALLOWED_ISSUERS: '127.0.0.1' },
    });
    const { client, db } = suite;
    let bad: Awaited<ReturnType<typeof startBadProvider>>;
    beforeAll(async () => {
      bad = await startBadProvider();
    });
    afterAll(() => bad.stop());

    it('saves a listed issuer, refuses one not listed, and ends a sign-in through a bad provider on the sign-in page', async () => {
      const tenant = await makeTenant(db());
      const { browser: admin } = await signedInAdmin(db(), client(), tenant.id, { values: { isTenantAdmin: true } });
      const path = `/api/admin/tenants/${tenant.slug}/identity-provider`;
      const save = (issuer: string) =>
        admin.put(path, {
          issuer,
          clientId: 'amtsraum',
          label: { de: 'Rathaus-Konto' },
          roleMapping: [{ value: 'it', tenantAdmin: true }],
        });
      const notListed = await save(`http://localhost:${new URL(bad.origin).port}/fine`);
      expect(notListed.json.errors).toEqual([
        { path: 'issuer', message: 'Diese Issuer-URL ist in dieser Installation nicht freigegeben.' },
      ]);
      for (const kindOfBad of ['ssrf', 'redirect', 'huge']) {
        expect((await save(`${bad.origin}/${kindOfBad}`)).status).toBe(200);
        const browser = new Browser();
        const start = await browser.request(`${suite.server.url}/api/auth/oidc/${tenant.slug}/start`);
        expect(start.status).toBe(303);
        expect(Object.fromEntries(new URL(start.location!).searchParams), kindOfBad).toEqual({
          tenant: tenant.slug,
          oidcError: 'unreachable',
        });
      }
      expect(bad.internalHits()).toEqual([]);
      // The good one of the same host goes through to the provider.
      expect((await save(`${bad.origin}/fine`)).status).toBe(200);
      const start = await new Browser().request(`${suite.server.url}/api/auth/oidc/${tenant.slug}/start`);
      expect(new URL(start.location!).href.startsWith(`${bad.origin}/fine/auth?`)).toBe(true);
    });
  });
});
