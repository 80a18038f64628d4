import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import {
  personNameProblem,
  StaffEmailSchema,
  StaffNameSchema,
  StaffReturnPathSchema,
  type OidcSignInError,
  type RoleMappingRule,
} from '@amtsraum/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';
import type { Ctx } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { staff } from '../../db/schema.js';
import { publishRolesChanged } from '../../lib/event-bus.js';
import { CLIENT_SECRET_PURPOSE, unseal } from '../../lib/secret-box.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { TenantRow } from '../directory/directory.repo.js';
import { writeMemberships } from '../setup/write-entities.js';
import { hashToken, SESSION_MAX_AGE_MS } from '../staff/auth.service.js';
import { insertSession, type StaffRow } from '../staff/staff.repo.js';
import { departmentIdsBySlug, findEnabledProviderBySlug, type IdentityProviderRow } from './identity-provider.repo.js';
import { redirectUri } from './identity-provider.service.js';
import { discover, exchangeCode, fetchUserInfo, OidcError, verifyIdToken } from './oidc-client.js';

/**
 * Sign-in through a municipality's OpenID provider (issue 15, item 5; decision 023): the
 * authorization code flow with PKCE (S256), state and nonce kept in a short-lived encrypted
 * cookie, the ID token verified with the provider's keys, the role claim mapped to roles.
 */

export const LOGIN_COOKIE = 'amtsraum_oidc';
export const LOGIN_COOKIE_PATH = '/api/auth/oidc';
/** Long enough to type a password and answer a second factor at the town hall's provider. */
export const LOGIN_TTL_MS = 10 * 60_000;

/** A sign-in that ends on the sign-in page with a reason, not with a session. */
export class SignInRefused extends Error {
  constructor(
    readonly reason: OidcSignInError,
    internal: string,
    readonly staffId?: string,
  ) {
    super(internal);
    this.name = 'SignInRefused';
  }
}

const LoginStateSchema = z.object({
  tenant: z.string(),
  state: z.string(),
  nonce: z.string(),
  verifier: z.string(),
  /** The page to come back to, checked again on the way back (a cookie of an older build may lack it). */
  returnTo: z.optional(StaffReturnPathSchema),
});

function cookieKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'amtsraum-oidc-login', 'login-state', 32));
}

const random = () => randomBytes(32).toString('base64url');

async function enabledProvider(db: Db, slug: string) {
  const found = await findEnabledProviderBySlug(db, slug);
  if (!found) throw new SignInRefused('unavailable', 'no enabled identity provider');
  return found;
}

/**
 * The page a sign-in was started from asks to come back to (`?returnTo=`), when it is one of this
 * app's staff or admin pages (`StaffReturnPathSchema`); anything else, or none, is null: the staff
 * home, as before. Never a refusal: a bad value only loses the way back.
 */
export function returnPathOf(value: unknown): string | null {
  const parsed = StaffReturnPathSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Where to send the browser (the provider's authorization endpoint) and the login cookie to set:
 * state, nonce, the PKCE verifier and the page to come back to (`returnTo`, already checked with
 * `returnPathOf`), encrypted and authenticated under the installation's secret, valid for ten
 * minutes and bound to this municipality: the way back travels with this browser's sign-in only.
 */
export async function startSignIn(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  slug: string,
  returnTo: string | null = null,
): Promise<{ location: string; cookie: string }> {
  const { provider } = await enabledProvider(ctx.db, slug);
  const discovery = await discover(ctx.config.oidcPolicy, provider.issuer, ctx.now).catch((error: unknown) => {
    throw new SignInRefused(
      'unreachable',
      `discovery failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const login = {
    tenant: slug,
    state: random(),
    nonce: random(),
    verifier: random(),
    ...(returnTo === null ? {} : { returnTo }),
  };
  const cookie = await new EncryptJWT(login)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(Math.floor(ctx.now.getTime() / 1000))
    .setExpirationTime(Math.floor((ctx.now.getTime() + LOGIN_TTL_MS) / 1000))
    .encrypt(cookieKey(ctx.config.sessionSecret));
  const url = new URL(discovery.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUri(ctx.config, slug));
  url.searchParams.set('scope', provider.scopes);
  url.searchParams.set('state', login.state);
  url.searchParams.set('nonce', login.nonce);
  url.searchParams.set('code_challenge', createHash('sha256').update(login.verifier).digest('base64url'));
  url.searchParams.set('code_challenge_method', 'S256');
  return { location: url.href, cookie };
}

/**
 * The page to come back to that this browser's login cookie holds, when the cookie is still good
 * (checked with `StaffReturnPathSchema` again); null for none. A refused or failed sign-in sends it on
 * to the sign-in page (`?returnTo=`), so the next try, through the provider or by password, comes
 * back there too.
 */
export async function loginReturnPath(
  ctx: Pick<Ctx, 'config' | 'now'>,
  cookie: string | undefined,
): Promise<string | null> {
  try {
    return returnPathOf((await readLoginCookie(ctx, cookie)).returnTo);
  } catch {
    return null;
  }
}

async function readLoginCookie(ctx: Pick<Ctx, 'config' | 'now'>, cookie: string | undefined) {
  if (!cookie) throw new SignInRefused('expired', 'no login cookie');
  try {
    const { payload } = await jwtDecrypt(cookie, cookieKey(ctx.config.sessionSecret), { currentDate: ctx.now });
    return LoginStateSchema.parse(payload);
  } catch (error) {
    throw new SignInRefused('expired', `login cookie refused: ${String(error)}`);
  }
}

const CallbackQuerySchema = z.object({
  state: z.string().max(500).optional(),
  code: z.string().max(2000).optional(),
  error: z.string().max(200).optional(),
  iss: z.string().max(500).optional(),
});

/** The role claim's values: a list of strings, or one string; `a.b` reads a nested claim (Keycloak's `realm_access.roles`). */
export function claimValues(claims: Record<string, unknown>, path: string): string[] {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  }
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** What the mapping gives for these values; null when no rule matches. */
export function mapRoles(
  rules: RoleMappingRule[],
  values: string[],
): { tenantAdmin: boolean; departments: Map<string, 'clerk' | 'admin'> } | null {
  const matched = rules.filter((rule) => values.includes(rule.value));
  if (matched.length === 0) return null;
  const result = { tenantAdmin: false, departments: new Map<string, 'clerk' | 'admin'>() };
  for (const rule of matched) {
    if (rule.tenantAdmin) result.tenantAdmin = true;
    if (rule.department && rule.role && result.departments.get(rule.department) !== 'admin') {
      result.departments.set(rule.department, rule.role);
    }
  }
  return result;
}

export interface SignedIn {
  token: string;
  staff: StaffRow;
  created: boolean;
}

/** A sign-in through the provider, with the page to come back to (null: the staff home). */
export interface CompletedSignIn extends SignedIn {
  returnTo: string | null;
}

/**
 * The provider's answer: checks the login cookie (same municipality, state), trades the code,
 * verifies the ID token, then finds, links or creates the account and opens a session proved
 * through the provider; with the page the cookie says to come back to. Throws `SignInRefused` with the reason the sign-in page shows.
 */
export async function completeSignIn(
  ctx: Pick<Ctx, 'db' | 'config' | 'now' | 'events'>,
  options: { slug: string; query: unknown; cookie: string | undefined },
): Promise<CompletedSignIn> {
  const login = await readLoginCookie(ctx, options.cookie);
  const query = CallbackQuerySchema.safeParse(options.query);
  if (!query.success || login.tenant !== options.slug || query.data.state !== login.state) {
    throw new SignInRefused('expired', 'state does not match the login cookie');
  }
  const { tenant, provider } = await enabledProvider(ctx.db, options.slug);
  if (query.data.error || !query.data.code) {
    throw new SignInRefused('failed', `provider answered ${query.data.error ?? 'without a code'}`);
  }
  const claims = await verifiedClaims(ctx, provider, query.data.code, query.data.iss, login);
  const signedIn = await signInWithClaims(ctx, tenant, provider, claims);
  return { ...signedIn, returnTo: login.returnTo ?? null };
}

async function verifiedClaims(
  ctx: Pick<Ctx, 'config' | 'now'>,
  provider: IdentityProviderRow,
  code: string,
  iss: string | undefined,
  login: z.infer<typeof LoginStateSchema>,
): Promise<Record<string, unknown> & { sub: string }> {
  try {
    const policy = ctx.config.oidcPolicy;
    const discovery = await discover(policy, provider.issuer, ctx.now);
    // RFC 9207: a provider that names itself in the answer must name the one we asked.
    if (iss !== undefined && iss !== discovery.issuer)
      throw new OidcError('authorization response from another issuer');
    const clientSecret = provider.clientSecretSealed
      ? unseal(ctx.config.sessionSecret, CLIENT_SECRET_PURPOSE, provider.clientSecretSealed)
      : null;
    if (provider.clientSecretSealed && clientSecret === null) throw new OidcError('client secret does not unseal');
    const tokens = await exchangeCode({
      policy,
      discovery,
      clientId: provider.clientId,
      clientSecret,
      code,
      codeVerifier: login.verifier,
      redirectUri: redirectUri(ctx.config, login.tenant),
    });
    const idToken = await verifyIdToken({
      policy,
      discovery,
      idToken: tokens.id_token,
      clientId: provider.clientId,
      nonce: login.nonce,
      now: ctx.now,
    });
    const userInfo = tokens.access_token ? await fetchUserInfo(policy, discovery, tokens.access_token) : {};
    // Core 5.3.2: userinfo about someone else is thrown away, not merged.
    const extra = userInfo.sub === idToken.sub ? userInfo : {};
    return { ...extra, ...idToken };
  } catch (error) {
    if (error instanceof SignInRefused) throw error;
    const reason = error instanceof OidcError && error.unreachable ? 'unreachable' : 'failed';
    throw new SignInRefused(reason, error instanceof Error ? error.message : String(error));
  }
}

/**
 * The name of an account made at sign-in: the provider's `name` (or given and family name), which
 * its people can usually edit themselves, so outside input like any other. Citizens read it as who
 * admitted them: it is made to follow a person's name's rules (StaffNameSchema) by taking out what
 * they refuse (control and direction characters, invisible ones; a line break or tab becomes a
 * space) and cutting it to 120 characters, never in the middle of one. When nothing readable is
 * left, or it still breaks a rule (marks stacked on a letter), the e-mail address's local part
 * stands in; the person can change it in their profile.
 */
function displayName(claims: Record<string, unknown>, email: string): string {
  const text = (key: string) => (typeof claims[key] === 'string' ? nameText(claims[key] as string) : '');
  const name = text('name') || [text('given_name'), text('family_name')].filter(Boolean).join(' ');
  for (const candidate of [name, nameText(email.split('@')[0] ?? '')]) {
    const parsed = StaffNameSchema.safeParse(candidate);
    if (parsed.success) return parsed.data;
  }
  return 'Staff';
}

/** `value` without the characters a name may not hold, on one line, at most 120 characters. */
function nameText(value: string): string {
  let kept = '';
  for (const character of value) {
    // Judged between two letters: alone, a joiner or a combining mark would count as "nothing visible".
    const problem = personNameProblem(`a${character}a`);
    const replaced = problem === 'lineBreak' || character === '\t' ? ' ' : problem ? '' : character;
    kept += replaced;
  }
  let cut = '';
  for (const character of kept.replace(/\s+/g, ' ').trim()) {
    if (cut.length + character.length > 120) break;
    cut += character;
  }
  return cut.trim();
}

/**
 * Signs in with the verified claims; when the provider's groups took a role away (a department,
 * admin to clerk, municipality admin), every process is told after the commit, so a console the
 * person has open in another tab closes at once, as when an admin takes the role on the screen.
 */
async function signInWithClaims(
  ctx: Pick<Ctx, 'db' | 'now' | 'events'>,
  tenant: TenantRow,
  provider: IdentityProviderRow,
  claims: Record<string, unknown> & { sub: string },
): Promise<SignedIn> {
  const { signedIn, lost } = await writeSignIn(ctx, tenant, provider, claims);
  if (lost) {
    await publishRolesChanged(ctx.events, [signedIn.staff.id]);
    // One clerk fewer there: who serves in the department, and its estimate, changed.
    await ctx.events.publishAll(lost.departmentsLeft.map((departmentId) => ({ departmentId, context: true })));
  }
  return signedIn;
}

async function writeSignIn(
  ctx: Pick<Ctx, 'db' | 'now'>,
  tenant: TenantRow,
  provider: IdentityProviderRow,
  claims: Record<string, unknown> & { sub: string },
): Promise<{ signedIn: SignedIn; lost: LostRoles | null }> {
  // An `email` claim that is no address (or too long for one) counts as none.
  const parsedEmail = StaffEmailSchema.safeParse(claims.email);
  const email = parsedEmail.success ? parsedEmail.data : null;
  const emailVerified = claims.email_verified === true && email !== null;
  // An empty mapping: the provider proves who someone is, roles stay with Amtsraum.
  const mapped =
    provider.roleMapping.length > 0 ? mapRoles(provider.roleMapping, claimValues(claims, provider.roleClaim)) : null;

  return ctx.db.transaction(async (tx) => {
    let [account] = await tx
      .select()
      .from(staff)
      .where(and(eq(staff.oidcIssuer, provider.issuer), eq(staff.oidcSubject, claims.sub)));
    let linked = false;
    if (!account && emailVerified) {
      // The same person's existing account of this municipality, not yet linked to another identity.
      const [byEmail] = await tx
        .select()
        .from(staff)
        .where(and(eq(staff.email, email), eq(staff.tenantId, tenant.id), isNull(staff.oidcSubject)));
      if (byEmail) {
        account = byEmail;
        linked = true;
      }
    }
    if (account && account.tenantId !== tenant.id) {
      throw new SignInRefused('no_account', 'the identity belongs to an account of another municipality');
    }
    // The installation's admin is proved by the installation's own means (password and
    // authenticator), never by a provider that one municipality's admin chooses and runs: that
    // provider could name the IT account's e-mail and hand its holder every municipality.
    if (account?.isInstallationAdmin) {
      throw new SignInRefused(
        'installation_admin',
        'the installation admin signs in with password and authenticator',
        account.id,
      );
    }
    if (account && !account.active) throw new SignInRefused('deactivated', 'account deactivated', account.id);
    if (provider.roleMapping.length > 0 && !mapped) {
      throw new SignInRefused('unmapped', 'no rule of the mapping matches', account?.id);
    }

    let created = false;
    if (!account) {
      if (!provider.provisionAccounts || !mapped)
        throw new SignInRefused('no_account', 'no account and no provisioning');
      if (!emailVerified) throw new SignInRefused('no_account', 'no verified e-mail address to create an account with');
      const [taken] = await tx.select({ id: staff.id }).from(staff).where(eq(staff.email, email));
      if (taken) throw new SignInRefused('no_account', 'the e-mail address belongs to another account');
      [account] = await tx
        .insert(staff)
        .values({
          tenantId: tenant.id,
          email,
          name: displayName(claims, email),
          passwordHash: null,
          languages: ['de'],
          oidcIssuer: provider.issuer,
          oidcSubject: claims.sub,
        })
        .returning();
      created = true;
    } else if (linked) {
      [account] = await tx
        .update(staff)
        .set({ oidcIssuer: provider.issuer, oidcSubject: claims.sub })
        .where(eq(staff.id, account.id))
        .returning();
    }
    const person = account!;
    const lost = mapped ? await replaceRoles(tx, tenant.id, person, mapped) : null;
    const [current] = await tx.select().from(staff).where(eq(staff.id, person.id));

    const token = randomBytes(32).toString('base64url');
    await insertSession(tx, {
      tokenHash: hashToken(token),
      staffId: person.id,
      createdAt: ctx.now,
      lastSeenAt: ctx.now,
      expiresAt: new Date(ctx.now.getTime() + SESSION_MAX_AGE_MS),
      authMethod: 'oidc',
    });
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: person.id,
      action: 'staff.signed_in',
      data: {
        staffId: person.id,
        method: 'oidc',
        created,
        linked,
        rolesFromProvider: mapped !== null,
        // The provider's groups took a role away: the audit shows why a console closed.
        ...(lost ? { rolesLost: true } : {}),
      },
    });
    return { signedIn: { token, staff: current!, created }, lost };
  });
}

interface LostRoles {
  departmentsLeft: string[];
}

/**
 * The provider's groups decide the roles of whoever signs in through it: the municipality admin
 * flag and the memberships in this municipality's departments are set to what the mapping gives
 * (decision 023). Installation admin is never given or taken here. Returns what was taken away
 * (when anything was taken or a department given), null otherwise.
 */
async function replaceRoles(
  tx: Db,
  tenantId: string,
  person: StaffRow,
  mapped: { tenantAdmin: boolean; departments: Map<string, 'clerk' | 'admin'> },
): Promise<LostRoles | null> {
  if (person.isTenantAdmin !== mapped.tenantAdmin) {
    await tx.update(staff).set({ isTenantAdmin: mapped.tenantAdmin }).where(eq(staff.id, person.id));
  }
  const ids = await departmentIdsBySlug(tx, tenantId, [...mapped.departments.keys()]);
  const roles = new Map(
    [...mapped.departments].flatMap(([slug, role]) => {
      const departmentId = ids.get(slug);
      return departmentId ? [[departmentId, role] as const] : [];
    }),
  );
  const changes = await writeMemberships(tx, tenantId, person.id, roles);
  const lost = changes.removed.length + changes.lowered.length > 0 || (person.isTenantAdmin && !mapped.tenantAdmin);
  // A department given: a console of it that the person's other tab was refused opens too.
  return lost || changes.added.length > 0 ? { departmentsLeft: changes.removed } : null;
}

/** Records a refused sign-in (without personal data) where the municipality is known. */
export async function auditRefusal(ctx: Pick<Ctx, 'db'>, slug: string, refusal: SignInRefused): Promise<void> {
  const found = await findEnabledProviderBySlug(ctx.db, slug);
  if (!found) return;
  await insertAudit(ctx.db, {
    tenantId: found.tenant.id,
    actorKind: refusal.staffId ? 'staff' : 'system',
    actorStaffId: refusal.staffId ?? null,
    action: 'staff.sign_in_refused',
    data: { method: 'oidc', reason: refusal.reason, ...(refusal.staffId ? { staffId: refusal.staffId } : {}) },
  });
}
