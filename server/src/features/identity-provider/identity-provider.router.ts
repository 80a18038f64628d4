import { IdentityProviderInputSchema, pagePath, type SignInOptions } from '@amtsraum/shared';
import { Router, type Response } from 'express';
import { ctxOf, type AppDeps } from '../../deps.js';
import { requestAddressGroup } from '../../lib/client-address.js';
import { cookieOptions, parseCookies, STAFF_COOKIE } from '../../lib/cookies.js';
import { AppError } from '../../lib/errors.js';
import { isSlug } from '../../lib/params.js';
import { PAGE_READ_LIMITS } from '../../lib/rate-limit.js';
import { parseInput } from '../../lib/validate.js';
import { adminTenant, currentAdmin } from '../staff/admin-access.js';
import { describeStaff, SESSION_MAX_AGE_MS } from '../staff/auth.service.js';
import { findEnabledProviderBySlug } from './identity-provider.repo.js';
import { getIdentityProvider, removeIdentityProvider, saveIdentityProvider } from './identity-provider.service.js';
import {
  auditRefusal,
  completeSignIn,
  LOGIN_COOKIE,
  LOGIN_COOKIE_PATH,
  LOGIN_TTL_MS,
  loginReturnPath,
  returnPathOf,
  SignInRefused,
  startSignIn,
} from './oidc-sign-in.service.js';

/** Failed sign-ins through the provider per address group: a few dozen mistyped passwords, no flood. */
const OIDC_SIGN_IN_LIMIT = { max: 30, windowMs: 15 * 60_000 };

/**
 * Refusals written to a municipality's audit log that name nobody (a forged or stale answer, an
 * identity without an account), per municipality: each address has its thirty tries, and a script
 * with many addresses (an IPv6 network) wrote rows without end, burying the log's real events. A
 * town hall's whole staff failing at eight o'clock fits; past it they are logged, not audited. A
 * refusal of a known account (deactivated, unmapped) is always audited.
 */
export const OIDC_REFUSAL_AUDIT_LIMIT = { max: 200, windowMs: 15 * 60_000 };

/** Below `/api/admin/tenants/:tenant` (the `tenant` list of adminRouter): the municipality's provider. */
export function identityProviderAdminRouter(deps: AppDeps): Router {
  const router = Router();
  router.get('/identity-provider', async (req, res) => {
    res.json(await getIdentityProvider(ctxOf(deps), adminTenant(req)));
  });
  router.put('/identity-provider', async (req, res) => {
    const input = parseInput(IdentityProviderInputSchema, req.body);
    const saved = await saveIdentityProvider(ctxOf(deps), {
      tenant: adminTenant(req),
      actorStaffId: currentAdmin(req).staff.id,
      input,
    });
    res.json(saved);
  });
  router.delete('/identity-provider', async (req, res) => {
    await removeIdentityProvider(ctxOf(deps), { tenant: adminTenant(req), actorStaffId: currentAdmin(req).staff.id });
    res.status(204).end();
  });
  return router;
}

/**
 * `/api/auth/oidc/:tenant…`: the sign-in page's question whether there is a provider, the start
 * (a redirect to the provider; `?returnTo=` the staff page to come back to) and the callback (a
 * redirect to that page or the staff pages, or back to the sign-in page with the reason). Browsers navigate here; nothing answers with JSON but the first.
 */
export function oidcSignInRouter(deps: AppDeps): Router {
  const router = Router();
  const config = deps.config;
  // Each refused callback writes an audit event and may ask the provider's token endpoint, and a
  // start asks an unreachable provider again each time: without a limit, anyone could fill the
  // audit log and keep the server calling the town hall's provider. A try that signs in (or a
  // start that reaches the provider) gives its count back, so a town hall's clerks behind one
  // address never add up; only failures do.
  const tries = deps.limits.limiter('oidc-sign-in', OIDC_SIGN_IN_LIMIT);
  const refusalAudits = deps.limits.limiter('oidc-refusal-audit', OIDC_REFUSAL_AUDIT_LIMIT);
  /** Whether a refusal goes into the audit log (OIDC_REFUSAL_AUDIT_LIMIT). */
  const audited = async (slug: string, refusal: SignInRefused) => {
    // The flood the address limit stops is not written down either, one event per request.
    if (refusal.reason === 'too_many_tries') return false;
    if (refusal.staffId) return true;
    try {
      await refusalAudits.hit(slug);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'rate_limited') return false;
      throw error;
    }
  };
  const countTry = (address: string) =>
    tries.hit(address).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'rate_limited') {
        throw new SignInRefused(
          'too_many_tries',
          `too many failed sign-ins from this address (retry after ${error.headers['Retry-After'] ?? '?'} s)`,
        );
      }
      throw error;
    });
  const base = config.publicBaseUrl.href.endsWith('/') ? config.publicBaseUrl.href : `${config.publicBaseUrl.href}/`;
  const page = (path: string, search = '') => new URL(path.replace(/^\//, '') + search, base).href;
  const loginCookie = () => ({ ...cookieOptions(config, LOGIN_TTL_MS), path: LOGIN_COOKIE_PATH });
  // Back on the sign-in page with the reason, and with the page to come back to (`returnTo`, checked
  // once more) when the sign-in had one: the next try, by provider or password, still goes there.
  const refuse = async (res: Response, slug: string, refusal: SignInRefused, back: string | null = null) => {
    res.clearCookie(LOGIN_COOKIE, { ...loginCookie(), maxAge: undefined });
    const returnTo = returnPathOf(back);
    const search = new URLSearchParams({
      tenant: slug,
      oidcError: refusal.reason,
      ...(returnTo === null ? {} : { returnTo }),
    });
    res.redirect(303, page(pagePath('staffLogin'), `?${search.toString()}`));
  };

  // The sign-in page's read (is there a provider to offer?), counted like the public pages' reads.
  const optionReads = deps.limits.limiter('sign-in-options-read', PAGE_READ_LIMITS.perAddress);
  router.get('/auth/oidc/:tenant', async (req, res) => {
    await optionReads.hit(requestAddressGroup(req));
    const found = isSlug(req.params.tenant)
      ? await findEnabledProviderBySlug(deps.database.db, req.params.tenant)
      : undefined;
    const body: SignInOptions = {
      identityProvider: found
        ? { label: found.provider.label, startUrl: `/api/auth/oidc/${encodeURIComponent(found.tenant.slug)}/start` }
        : null,
    };
    res.json(body);
  });

  router.get('/auth/oidc/:tenant/start', async (req, res) => {
    const slug = req.params.tenant;
    if (!isSlug(slug)) return refuse(res, '', new SignInRefused('unavailable', 'not a slug'));
    const address = requestAddressGroup(req);
    // The staff or admin page that sent the person to sign in (`?returnTo=`, a same-site path);
    // a bad value is dropped, not refused: it only loses the way back.
    const back = returnPathOf(req.query.returnTo);
    try {
      await countTry(address);
      const { location, cookie } = await startSignIn(ctxOf(deps), slug, back);
      await tries.undo(address);
      res.cookie(LOGIN_COOKIE, cookie, loginCookie());
      res.redirect(303, location);
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      req.log.warn({ tenant: slug, reason: error.reason, detail: error.message }, 'oidc sign-in not started');
      await refuse(res, slug, error, back);
    }
  });

  router.get('/auth/oidc/:tenant/callback', async (req, res) => {
    const slug = req.params.tenant;
    if (!isSlug(slug)) return refuse(res, '', new SignInRefused('unavailable', 'not a slug'));
    const address = requestAddressGroup(req);
    const cookie = parseCookies(req.headers.cookie)[LOGIN_COOKIE];
    try {
      await countTry(address);
      const signedIn = await completeSignIn(ctxOf(deps), { slug, query: req.query, cookie });
      await tries.undo(address);
      res.clearCookie(LOGIN_COOKIE, { ...loginCookie(), maxAge: undefined });
      res.cookie(STAFF_COOKIE, signedIn.token, cookieOptions(config, SESSION_MAX_AGE_MS));
      req.log.info({ staffId: signedIn.staff.id, created: signedIn.created }, 'staff signed in through oidc');
      const me = await describeStaff(deps.database.db, signedIn.staff, 'oidc', deps.config.sessionSecret);
      // Back to the page that sent them to sign in, as after a password; without one, admins land
      // in the administration, everyone else with their departments.
      const admin = me.staff.isTenantAdmin || me.staff.isInstallationAdmin;
      res.redirect(303, page(signedIn.returnTo ?? (admin ? '/admin' : pagePath('staffHome'))));
    } catch (error) {
      if (!(error instanceof SignInRefused)) throw error;
      req.log.warn({ tenant: slug, reason: error.reason, detail: error.message }, 'oidc sign-in refused');
      if (await audited(slug, error)) await auditRefusal(ctxOf(deps), slug, error);
      // Refused at the provider (cancelled there), by us, or the answer belongs to another sign-in:
      // this browser's own cookie still says where it wanted to go back to.
      await refuse(res, slug, error, await loginReturnPath(ctxOf(deps), cookie));
    }
  });
  return router;
}
