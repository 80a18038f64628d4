import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OidcError, verifyIdToken, type Discovery } from './oidc-client.js';
import type { OidcPolicy } from './oidc-policy.js';

// The ID token's subject is what an account is found and linked by. OpenID Connect Core 2 has it
// at most 255 ASCII characters; a provider that sends anything else (a NUL, which the database
// refuses outright, or a subject too long to be one) gets a failed sign-in, not a 500.

describe('the ID token’s subject', () => {
  let server: http.Server;
  let discovery: Discovery;
  let sign: (sub: string) => Promise<string>;
  const policy: OidcPolicy = { allowedIssuers: [{ host: '127.0.0.1' }], allowInternal: true };
  const clientId = 'amtsraum-test';
  const nonce = 'nonce-1';
  const now = new Date();

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    discovery = {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
    };
    sign = (sub) =>
      new SignJWT({ nonce })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(sub)
        .setIssuedAt(Math.floor(now.getTime() / 1000))
        .setExpirationTime(Math.floor(now.getTime() / 1000) + 300)
        .sign(privateKey);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const verify = async (sub: string) =>
    verifyIdToken({ policy, discovery, idToken: await sign(sub), clientId, nonce, now }).then(
      (claims) => claims.sub,
      (error: unknown) => (error instanceof OidcError ? error.message : error),
    );

  it('takes printable ASCII up to 255 characters', async () => {
    expect(await verify('248289761001')).toBe('248289761001');
    expect(await verify('user@example.com|ad:Rita Rathaus')).toBe('user@example.com|ad:Rita Rathaus');
    expect(await verify(`u${'x'.repeat(254)}`)).toBe(`u${'x'.repeat(254)}`);
  });

  it('refuses a NUL, a control or non-ASCII character, and more than 255 characters', async () => {
    for (const sub of ['user\u0000nul', 'user\nline', 'nutzer-\u00fc', `u${'x'.repeat(255)}`]) {
      expect([sub, await verify(sub)]).toEqual([sub, 'ID token subject is not 1 to 255 printable ASCII characters']);
    }
  });
});
