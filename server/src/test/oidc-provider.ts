import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider for tests (the `oidc-provider` package), on 127.0.0.1 at a free port,
 * with one confidential client and accounts the test adds. Its development login and consent
 * pages stand in for the town hall's sign-in form: `signInAt` posts them like a browser.
 */

export interface TestAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  stop(): Promise<void>;
}

export async function startTestProvider(options: { redirectUris: string[] }): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = 'amtsraum-test';
  const clientSecret = 'a-client-secret-with-: and /';
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const key = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [key] },
    cookies: { keys: ['test-cookie-key'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account }) };
    },
  });
  // A provider behind no proxy: its own view of the request is right.
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A cookie jar per origin, enough for one browser's redirects (paths are ignored). */
export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();

  constructor(private readonly headers: Record<string, string> = {}) {}

  jar(origin: string): Map<string, string> {
    let jar = this.jars.get(origin);
    if (!jar) this.jars.set(origin, (jar = new Map()));
    return jar;
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const target = new URL(url);
    const jar = this.jar(target.origin);
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(jar.size ? { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: init.form ? new URLSearchParams(init.form) : undefined,
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (!value || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      location: location ? new URL(location, target).href : null,
      text: await response.text(),
    };
  }
}

/**
 * Follows the provider's pages from `url` until it sends the browser back to `returnOrigin`, and
 * returns that callback URL: redirects are followed, and each page the provider shows is answered
 * by `answer`, which returns where the browser goes next.
 */
async function walkProvider(
  browser: Browser,
  url: string,
  returnOrigin: string,
  answer: (page: { status: number; text: string }, url: string) => Promise<string>,
) {
  for (let hop = 0; hop < 20; hop++) {
    if (url.startsWith(returnOrigin)) return url;
    const page = await browser.request(url);
    url = page.location ?? (await answer(page, url));
  }
  throw new Error('the provider did not send the browser back');
}

/**
 * Goes through the provider's pages from its authorization URL as `accountId` (login, then
 * consent), following its redirects, until it sends the browser back to `returnOrigin`; returns
 * that callback URL.
 */
export function signInAt(browser: Browser, authorizationUrl: string, accountId: string, returnOrigin: string) {
  return walkProvider(browser, authorizationUrl, returnOrigin, async (page, url) => {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.text)?.[1];
    const prompt = /name="prompt" value="([a-z]+)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !action || !prompt) {
      throw new Error(`the provider answered ${String(page.status)} without a form: ${page.text.slice(0, 300)}`);
    }
    const form: Record<string, string> =
      prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt };
    const posted = await browser.request(new URL(action.replace(/&amp;/g, '&'), url).href, { form });
    if (!posted.location) throw new Error(`posting the ${prompt} form answered ${String(posted.status)}`);
    return posted.location;
  });
}

/**
 * Goes to the provider's login page from its authorization URL and cancels there ("[ Cancel ]",
 * as a person who changed their mind), following its redirects until it sends the browser back
 * to `returnOrigin` (with `error=access_denied`); returns that callback URL.
 */
export function cancelAt(browser: Browser, authorizationUrl: string, returnOrigin: string) {
  return walkProvider(browser, authorizationUrl, returnOrigin, (page, url) => {
    const abort = /<a href="([^"]+\/abort)"/.exec(page.text)?.[1];
    if (page.status !== 200 || !abort) {
      throw new Error(`the provider answered ${String(page.status)} without a cancel link: ${page.text.slice(0, 300)}`);
    }
    return Promise.resolve(new URL(abort.replace(/&amp;/g, '&'), url).href);
  });
}
