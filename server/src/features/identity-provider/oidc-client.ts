import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';

/**
 * The relying party's side of OpenID Connect, over fetch and jose (no client library): discovery,
 * the code exchange and the ID token's verification. Every answer of the provider is parsed.
 */

const TIMEOUT_MS = 10_000;
/** Providers change their configuration rarely; keys rotate through the JWKS, which jose re-reads. */
const DISCOVERY_TTL_MS = 60 * 60_000;

const DiscoverySchema = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  token_endpoint_auth_methods_supported: z.array(z.string()).optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});
export type Discovery = z.infer<typeof DiscoverySchema>;

const TokenResponseSchema = z.object({
  id_token: z.string(),
  access_token: z.string().optional(),
  token_type: z.string().optional(),
});

export class OidcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcError';
  }
}

const discoveries = new Map<string, { at: number; value: Promise<Discovery> }>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** The provider's configuration, cached per issuer for an hour (a failure is not cached). */
export function discover(issuer: string, now: Date): Promise<Discovery> {
  const cached = discoveries.get(issuer);
  if (cached && now.getTime() - cached.at < DISCOVERY_TTL_MS) return cached.value;
  const value = fetchDiscovery(issuer);
  discoveries.set(issuer, { at: now.getTime(), value });
  value.catch(() => discoveries.delete(issuer));
  return value;
}

async function fetchDiscovery(issuer: string): Promise<Discovery> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
    headers: { accept: 'application/json' },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new OidcError(`discovery answered HTTP ${String(response.status)}`);
  const parsed = DiscoverySchema.safeParse(await response.json());
  if (!parsed.success) throw new OidcError('discovery document is not valid');
  // OpenID Connect Discovery 1.0, 4.3: the document's issuer is exactly the one asked for.
  if (parsed.data.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new OidcError('discovery names another issuer');
  }
  return parsed.data;
}

function keySet(jwksUri: string) {
  let set = keySets.get(jwksUri);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: TIMEOUT_MS });
    keySets.set(jwksUri, set);
  }
  return set;
}

export interface CodeExchange {
  discovery: Discovery;
  clientId: string;
  clientSecret: string | null;
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * Trades the code for tokens: client_secret_basic unless the provider says it only takes
 * client_secret_post; without a secret, a public client (PKCE alone).
 */
export async function exchangeCode(options: CodeExchange): Promise<z.infer<typeof TokenResponseSchema>> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: options.redirectUri,
    code_verifier: options.codeVerifier,
  });
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  const methods = options.discovery.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  if (options.clientSecret === null) {
    body.set('client_id', options.clientId);
  } else if (!methods.includes('client_secret_basic') && methods.includes('client_secret_post')) {
    body.set('client_id', options.clientId);
    body.set('client_secret', options.clientSecret);
  } else {
    // RFC 6749, 2.3.1: both parts form-encoded before they are joined.
    const pair = `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const response = await fetch(options.discovery.token_endpoint, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new OidcError(`token endpoint answered HTTP ${String(response.status)}`);
  const parsed = TokenResponseSchema.safeParse(await response.json());
  if (!parsed.success) throw new OidcError('token response has no ID token');
  return parsed.data;
}

/** Checks the ID token's signature with the provider's keys, its issuer, audience, nonce and times. */
export async function verifyIdToken(options: {
  discovery: Discovery;
  idToken: string;
  clientId: string;
  nonce: string;
  now: Date;
}): Promise<JWTPayload & { sub: string }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(options.idToken, keySet(options.discovery.jwks_uri), {
      issuer: options.discovery.issuer,
      audience: options.clientId,
      currentDate: options.now,
      clockTolerance: 60,
      requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
    }));
  } catch (error) {
    throw new OidcError(`ID token does not verify: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (payload.nonce !== options.nonce) throw new OidcError('ID token nonce does not match');
  // Core 3.1.3.7: with several audiences, the token must have been issued to us.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId) {
    throw new OidcError('ID token was issued to another client');
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw new OidcError('ID token has no subject');
  return payload as JWTPayload & { sub: string };
}

/** The claims of the userinfo endpoint, when the provider puts scope claims there (most do for the code flow). */
export async function fetchUserInfo(discovery: Discovery, accessToken: string): Promise<Record<string, unknown>> {
  if (!discovery.userinfo_endpoint) return {};
  const response = await fetch(discovery.userinfo_endpoint, {
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  if (!response.ok) throw new OidcError(`userinfo answered HTTP ${String(response.status)}`);
  const parsed = z.record(z.string(), z.unknown()).safeParse(await response.json());
  if (!parsed.success) throw new OidcError('userinfo is not a JSON object');
  return parsed.data;
}
