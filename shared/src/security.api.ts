import { z } from 'zod/mini';
import { LocalizedNameSchema, officeText } from './office-text.js';
import { LocalizedTextSchema } from './locales.js';
import { SlugSchema } from './slugs.js';

/** The second factor (TOTP) and sign-in through a municipality's identity provider (issue 15). */

/**
 * `POST /api/staff/second-factor/setup`: a first authenticator needs the signed-in session only;
 * replacing a confirmed one also needs the current password (and a session proved with the old one).
 */
export const SecondFactorSetupRequestSchema = z.object({
  password: z.optional(z.string().check(z.maxLength(200))),
});
export type SecondFactorSetupRequest = z.infer<typeof SecondFactorSetupRequestSchema>;

/** The new secret, unconfirmed until a code from it arrives at `/second-factor/confirm`. */
export const SecondFactorSetupSchema = z.object({
  /** Base32, for typing into the app by hand. */
  secret: z.string(),
  /** `otpauth://totp/…`, what the QR code holds. */
  otpauthUri: z.string(),
});
export type SecondFactorSetup = z.infer<typeof SecondFactorSetupSchema>;

const MAPPING_VALUE_MESSAGE = 'please enter the value of the claim (e.g. the group name)';

/** One rule: a value of the role claim (a group) gives municipality admin, or a role in a department. */
export const RoleMappingRuleSchema = z
  .object({
    // Shown to admins in the list of rules: the text rules of what staff write (office-text.ts).
    value: officeText(200, MAPPING_VALUE_MESSAGE),
    tenantAdmin: z.optional(z.boolean()),
    department: z.optional(SlugSchema),
    role: z.optional(z.enum(['clerk', 'admin'])),
  })
  .check(
    z.refine(
      (rule) => rule.tenantAdmin === true || (rule.department !== undefined && rule.role !== undefined),
      'a rule gives municipality admin, or a department and a role',
    ),
  );
export type RoleMappingRule = z.infer<typeof RoleMappingRuleSchema>;

const IssuerSchema = z.string().check(
  z.trim(),
  z.maxLength(500),
  z.refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, 'please enter the issuer URL of the identity provider (https://…)'),
);

/**
 * `PUT /api/admin/tenants/:tenant/identity-provider`. The client secret is write-only: left out,
 * the stored one stays; `null` removes it (a public client).
 */
export const IdentityProviderInputSchema = z.object({
  issuer: IssuerSchema,
  clientId: z.string().check(z.trim(), z.minLength(1, 'please enter the client id'), z.maxLength(200)),
  clientSecret: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(500)))),
  /** What the sign-in button says after "Anmelden mit" / "Sign in with", per language: a name. */
  label: LocalizedNameSchema,
  scopes: z._default(
    z.string().check(
      z.trim(),
      z.maxLength(500),
      z.regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'scopes are separated by single spaces'),
      z.refine((text) => text.split(' ').includes('openid'), 'the scopes must include openid'),
    ),
    'openid email profile',
  ),
  roleClaim: z._default(z.string().check(z.trim(), z.minLength(1), z.maxLength(100)), 'groups'),
  roleMapping: z._default(z.array(RoleMappingRuleSchema).check(z.maxLength(200)), []),
  provisionAccounts: z._default(z.boolean(), false),
  enabled: z._default(z.boolean(), true),
});
export type IdentityProviderInput = z.input<typeof IdentityProviderInputSchema>;

/** What the admin sees: everything but the client secret, of which only whether one is set. */
export const IdentityProviderSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  label: LocalizedTextSchema,
  scopes: z.string(),
  roleClaim: z.string(),
  roleMapping: z.array(RoleMappingRuleSchema),
  provisionAccounts: z.boolean(),
  enabled: z.boolean(),
  /** Where the provider must send people back (register it there). */
  redirectUri: z.string(),
  updatedAt: z.string(),
});
export type IdentityProvider = z.infer<typeof IdentityProviderSchema>;

/**
 * `GET /api/admin/tenants/:tenant/identity-provider`: the settings, or null before the first save.
 * The redirect URI comes either way: the town hall's IT registers it with its provider before it
 * gets the client id and secret to enter here.
 */
export const IdentityProviderSettingsSchema = z.object({
  redirectUri: z.string(),
  provider: z.nullable(IdentityProviderSchema),
});
export type IdentityProviderSettings = z.infer<typeof IdentityProviderSettingsSchema>;

/** `GET /api/auth/oidc/:tenant`: whether the staff sign-in page offers the button, and its label. */
export const SignInOptionsSchema = z.object({
  identityProvider: z.nullable(z.object({ label: LocalizedTextSchema, startUrl: z.string() })),
});
export type SignInOptions = z.infer<typeof SignInOptionsSchema>;

/** The longest page address a sign-in carries back (an audit log's filters fit many times over). */
export const STAFF_RETURN_PATH_MAX = 1000;

// A path segment's characters (RFC 3986 pchar), percent-escapes but those of `.`, `/` and `\`, which
// a browser may turn back into a dot segment or a separator; the query may hold any escape.
const RETURN_PATH =
  /^\/(?:staff|admin)(?:\/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%(?!2[EeFf]|5[Cc])[0-9A-Fa-f]{2})*)?(?:\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?$/;

/**
 * The staff or admin page to come back to after signing in through the identity provider
 * (`/api/auth/oidc/:tenant/start?returnTo=…`), as a password sign-in does: a path with its query
 * below `/staff` or `/admin` of this app, nothing else. Never another site (`//host`, `/\host`, a
 * full address), no escaped slash, backslash or dot, no empty or dot segment, no fragment, no
 * whitespace; the server falls back to the staff home for anything else.
 */
export const StaffReturnPathSchema = z.string().check(
  z.maxLength(STAFF_RETURN_PATH_MAX),
  z.regex(RETURN_PATH),
  z.refine((path) => !/\/\/|\/\.\.?(?:\/|$)/.test(path.split('?')[0]!), 'no empty or dot segments'),
);

/**
 * Why a sign-in through the identity provider ended on the sign-in page instead of signed in
 * (`/staff/login?tenant=…&oidcError=…`); the page explains each.
 */
export const OIDC_SIGN_IN_ERRORS = [
  /** The sign-in took too long, was started in another browser, or the answer was tampered with. */
  'expired',
  /** The provider refused, or its answer did not verify. */
  'failed',
  /**
   * The provider cannot be reached, answers too slowly, too much or with a redirect, or lies
   * outside the installation's policy (decision 026): nothing the person can change.
   */
  'unreachable',
  /** The provider's groups give no role here. */
  'unmapped',
  /** No account here, and the municipality does not create accounts at sign-in. */
  'no_account',
  'deactivated',
  /**
   * The account administers the installation: it signs in with password and authenticator, never
   * through a municipality's provider (whose admin could otherwise sign in as it).
   */
  'installation_admin',
  /** The municipality offers no such sign-in (any more). */
  'unavailable',
  /** Too many sign-ins through the provider failed from this network lately: wait a while. */
  'too_many_tries',
] as const;
export const OidcSignInErrorSchema = z.enum(OIDC_SIGN_IN_ERRORS);
export type OidcSignInError = z.infer<typeof OidcSignInErrorSchema>;
