import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import { z } from 'zod';
import { checkedAddress, checkUrl, PolicyRefused, type OidcPolicy } from './oidc-policy.js';

/**
 * The relying party's side of OpenID Connect, over node:http(s) and jose (no client library):
 * discovery, the code exchange and the ID token's verification. Every answer of the provider is parsed.
 * Every request passes the installation's policy first (oidc-policy.ts, decision 026), connects
 * to the address the policy checked, follows no redirect, and reads at most MAX_BYTES within
 * TIMEOUT_MS.
 */

const TIMEOUT_MS = 10_000;
/** Discovery documents and key sets are a few kilobytes; more is a broken or hostile provider. */
export const MAX_BYTES = 256 * 1024;
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
  constructor(
    message: string,
    /** The provider could not be reached, or answered in a way no provider should: not its user's fault. */
    readonly unreachable = false,
  ) {
    super(message);
    this.name = 'OidcError';
  }
}

/**
 * One request to the provider: the URL passes the policy, the connection goes to the address the
 * policy checked (the name is not resolved again), redirects are refused (a redirect could lead
 * past the policy), the answer is size- and time-limited. Returns the status and the body.
 */
async function guardedFetch(
  policy: OidcPolicy,
  what: string,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: URLSearchParams; signal?: AbortSignal },
): Promise<{ status: number; headers: Headers; text: string }> {
  const target = new URL(url);
  let pinned: { address: string; family: 4 | 6 };
  try {
    pinned = await checkedAddress(policy, target);
  } catch (error) {
    if (error instanceof PolicyRefused) throw new OidcError(`${what} refused by the policy: ${error.message}`, true);
    throw new OidcError(`${what} does not resolve: ${error instanceof Error ? error.message : String(error)}`, true);
  }
  const signal = init.signal
    ? AbortSignal.any([init.signal, AbortSignal.timeout(TIMEOUT_MS)])
    : AbortSignal.timeout(TIMEOUT_MS);
  const body = init.body === undefined ? undefined : Buffer.from(init.body.toString());
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const options: RequestOptions = {
    method: init.method ?? 'GET',
    headers: body === undefined ? init.headers : { ...init.headers, 'content-length': String(body.byteLength) },
    signal,
    // No pooled sockets: each request connects to the address checked for it.
    agent: false,
    // The checked address, handed to the socket: no second resolution.
    lookup: (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) callback(null, [pinned]);
      else callback(null, pinned.address, pinned.family);
    },
    // TLS verifies the certificate for the host name, not the address.
    ...(isIP(host) ? {} : { servername: host }),
  };
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let answered = false;
    const fail = (error: unknown) => {
      if (error instanceof OidcError) return reject(error);
      const reason = signal.aborted ? 'no answer in time' : error instanceof Error ? error.message : String(error);
      reject(new OidcError(`${what} ${answered ? 'not read' : 'not reachable'}: ${reason}`, true));
    };
    const outgoing = request(target, options, (response) => {
      answered = true;
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        response.destroy();
        fail(new OidcError(`${what} answered with a redirect (HTTP ${String(status)}), which is not followed`, true));
        return;
      }
      const tooLarge = () => new OidcError(`${what} is larger than ${String(MAX_BYTES)} bytes`, true);
      const length = Number(response.headers['content-length']);
      if (Number.isFinite(length) && length > MAX_BYTES) {
        response.destroy();
        fail(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.byteLength;
        if (size > MAX_BYTES) {
          response.destroy(tooLarge());
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', fail);
      // Settles the promise when the answer is cut off without an error (a no-op after 'end').
      response.on('close', () => {
        if (!response.complete) fail(new Error('the answer broke off'));
      });
      response.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) {
          for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
            headers.append(name, one);
          }
        }
        resolve({ status, headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const discoveries = new Map<string, { at: number; value: Promise<Discovery> }>();
const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
const cacheKey = (policy: OidcPolicy, url: string) => `${JSON.stringify(policy)} ${url}`;

/** The provider's configuration, cached per issuer (and policy) for an hour (a failure is not cached). */
export function discover(policy: OidcPolicy, issuer: string, now: Date): Promise<Discovery> {
  const key = cacheKey(policy, issuer);
  const cached = discoveries.get(key);
  if (cached && now.getTime() - cached.at < DISCOVERY_TTL_MS) return cached.value;
  const value = fetchDiscovery(policy, issuer);
  discoveries.set(key, { at: now.getTime(), value });
  value.catch(() => discoveries.delete(key));
  return value;
}

async function fetchDiscovery(policy: OidcPolicy, issuer: string): Promise<Discovery> {
  const response = await guardedFetch(
    policy,
    'discovery',
    `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    { headers: { accept: 'application/json' } },
  );
  if (response.status !== 200) throw new OidcError(`discovery answered HTTP ${String(response.status)}`, true);
  const parsed = DiscoverySchema.safeParse(json(response.text));
  if (!parsed.success) throw new OidcError('discovery document is not valid', true);
  // OpenID Connect Discovery 1.0, 4.3: the document's issuer is exactly the one asked for.
  if (parsed.data.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new OidcError('discovery names another issuer', true);
  }
  // Every endpoint the document names passes the same policy as the issuer: the browser is sent
  // to the first, the server fetches the others.
  const endpoints = {
    authorization_endpoint: parsed.data.authorization_endpoint,
    token_endpoint: parsed.data.token_endpoint,
    jwks_uri: parsed.data.jwks_uri,
    userinfo_endpoint: parsed.data.userinfo_endpoint,
  };
  for (const [name, url] of Object.entries(endpoints)) {
    if (url === undefined) continue;
    try {
      await checkUrl(policy, new URL(url));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new OidcError(`discovery names a refused ${name}: ${reason}`, true);
    }
  }
  return parsed.data;
}

function keySet(policy: OidcPolicy, jwksUri: string) {
  const key = cacheKey(policy, jwksUri);
  let set = keySets.get(key);
  if (!set) {
    set = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: TIMEOUT_MS,
      // jose's own reading of the key set, through the same guard as every other fetch.
      [customFetch]: async (url: string, options: { headers: Headers; signal: AbortSignal }) => {
        const response = await guardedFetch(policy, 'key set', url, {
          headers: Object.fromEntries(new Headers(options.headers)),
          signal: options.signal,
        });
        return new Response(response.text, { status: response.status, headers: response.headers });
      },
    });
    keySets.set(key, set);
  }
  return set;
}

export interface CodeExchange {
  policy: OidcPolicy;
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
  const response = await guardedFetch(options.policy, 'token endpoint', options.discovery.token_endpoint, {
    method: 'POST',
    headers,
    body,
  });
  // A refused code (replayed, expired) is a 400 of the provider: the sign-in failed, the provider works.
  if (response.status !== 200) {
    throw new OidcError(`token endpoint answered HTTP ${String(response.status)}`, response.status >= 500);
  }
  const parsed = TokenResponseSchema.safeParse(json(response.text));
  if (!parsed.success) throw new OidcError('token response has no ID token');
  return parsed.data;
}

/** An OpenID subject (Core 2, `sub`): 1 to 255 ASCII characters, here the printable ones. */
const OPENID_SUBJECT = /^[\x20-\x7e]{1,255}$/;

/** Checks the ID token's signature with the provider's keys, its issuer, audience, nonce and times. */
export async function verifyIdToken(options: {
  policy: OidcPolicy;
  discovery: Discovery;
  idToken: string;
  clientId: string;
  nonce: string;
  now: Date;
}): Promise<JWTPayload & { sub: string }> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(options.idToken, keySet(options.policy, options.discovery.jwks_uri), {
      issuer: options.discovery.issuer,
      audience: options.clientId,
      currentDate: options.now,
      clockTolerance: 60,
      requiredClaims: ['sub', 'exp', 'iat', 'nonce'],
    }));
  } catch (error) {
    if (error instanceof OidcError) throw error;
    throw new OidcError(`ID token does not verify: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (payload.nonce !== options.nonce) throw new OidcError('ID token nonce does not match');
  // Core 3.1.3.7: with several audiences, the token must have been issued to us.
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== options.clientId) {
    throw new OidcError('ID token was issued to another client');
  }
  if (typeof payload.sub !== 'string' || !payload.sub) throw new OidcError('ID token has no subject');
  // Core 2: at most 255 ASCII characters. The account is found by it; a NUL in it made the
  // database refuse the lookup (a 500), and no provider sends one.
  if (!OPENID_SUBJECT.test(payload.sub))
    throw new OidcError('ID token subject is not 1 to 255 printable ASCII characters');
  return payload as JWTPayload & { sub: string };
}

/** The claims of the userinfo endpoint, when the provider puts scope claims there (most do for the code flow). */
export async function fetchUserInfo(
  policy: OidcPolicy,
  discovery: Discovery,
  accessToken: string,
): Promise<Record<string, unknown>> {
  if (!discovery.userinfo_endpoint) return {};
  const response = await guardedFetch(policy, 'userinfo', discovery.userinfo_endpoint, {
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });
  if (response.status !== 200) throw new OidcError(`userinfo answered HTTP ${String(response.status)}`);
  const parsed = z.record(z.string(), z.unknown()).safeParse(json(response.text));
  if (!parsed.success) throw new OidcError('userinfo is not a JSON object');
  return parsed.data;
}
