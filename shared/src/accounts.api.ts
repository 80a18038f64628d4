import { z } from 'zod/mini';
import { personName } from './person-name-schema.js';
import { StateCodeSchema, TenantNameSchema } from './organisation.api.js';
import { LocaleSchema, LocalizedTextSchema } from './locales.js';

/**
 * Staff accounts (issue 15): setting a password from an e-mailed link, the password reset, one's
 * own profile, the municipality admin's staff list and the installation admin's municipalities.
 */

/**
 * A 409 `conflict` carries one of these as its field error (`errors[0].message`, worded in the
 * requester's language by the server): the address or slug is in use already.
 */
export const TAKEN_MESSAGES = {
  email: 'an account with this e-mail address exists already',
  slug: 'another municipality has this address already',
} as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** The rules a new password follows; "not the e-mail address" is checked where the address is known. */
export const NewPasswordSchema = z
  .string()
  .check(
    z.minLength(PASSWORD_MIN_LENGTH, `at least ${PASSWORD_MIN_LENGTH} characters`),
    z.maxLength(PASSWORD_MAX_LENGTH, `at most ${PASSWORD_MAX_LENGTH} characters`),
  );

/** True when a password is (a case variant of) the e-mail address or its local part. */
export function passwordIsEmail(password: string, email: string): boolean {
  const lower = password.trim().toLowerCase();
  const address = email.toLowerCase();
  return lower === address || lower === address.split('@')[0];
}

/** A staff member's e-mail address (also as an identity provider's `email` claim names it). */
export const StaffEmailSchema = z.pipe(
  z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
  z.email('please enter an e-mail address'),
);
const EmailSchema = StaffEmailSchema;

/**
 * A staff member's name: citizens read it as who admitted them, so it follows a person's name's
 * rules (person-name.ts): one line of visible text, nothing that hides or reorders it. Also what
 * an account made at a sign-in through the identity provider is named (oidc-sign-in.service.ts).
 */
export const StaffNameSchema = personName(120, 'please enter a name');

// Local on purpose: every schema of another shared module used here must stay exported from the
// chunk every page loads (issue 14: the door page's budget).
const SpokenLanguagesSchema = z
  .array(
    z.string().check(z.trim(), z.toLowerCase(), z.regex(/^[a-z]{2,3}$/, 'a language code like de, en, tr, ar, uk')),
  )
  .check(z.maxLength(20));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** A set-password link's token, as the page reads it from the link's fragment. */
const StaffLinkTokenSchema = z.string().check(z.minLength(1), z.maxLength(100));

/** `POST /api/staff/password`: the token from the link's fragment and the new password. */
export const SetPasswordRequestSchema = z.object({
  token: StaffLinkTokenSchema,
  password: NewPasswordSchema,
});
export type SetPasswordRequest = z.infer<typeof SetPasswordRequestSchema>;

/**
 * `POST /api/staff/password/check`: whether a set-password link can still be used, asked when its
 * page opens; answered 204, or `link_invalid` / `link_expired`. The link stays unused.
 */
export const CheckStaffLinkRequestSchema = z.object({ token: StaffLinkTokenSchema });
export type CheckStaffLinkRequest = z.infer<typeof CheckStaffLinkRequestSchema>;

/** `POST /api/staff/password-reset`: always answered 202, whether the address has an account or not. */
export const PasswordResetRequestSchema = z.object({ email: EmailSchema });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequestSchema>;

/** `GET|PUT /api/staff/profile`: what a staff member changes about themself. */
export const ProfileSchema = z.object({
  /** The name citizens see in the call. */
  name: StaffNameSchema,
  languages: SpokenLanguagesSchema,
});
export type Profile = z.infer<typeof ProfileSchema>;

/** `POST /api/staff/profile/password`. */
export const ChangePasswordRequestSchema = z.object({
  currentPassword: z.string().check(z.minLength(1, 'please enter your current password'), z.maxLength(200)),
  password: NewPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

// -- staff administration: /api/admin/tenants/:tenant/staff ------------------------------------

export const StaffRoleSchema = z.enum(['clerk', 'admin']);

export const StaffRolesSchema = z.array(z.object({ departmentId: z.uuid(), role: StaffRoleSchema })).check(
  z.maxLength(200),
  z.refine((roles) => new Set(roles.map((r) => r.departmentId)).size === roles.length, 'one role per department'),
);

export const StaffInviteRequestSchema = z.object({
  name: StaffNameSchema,
  email: EmailSchema,
  languages: SpokenLanguagesSchema,
  isTenantAdmin: z.boolean(),
  roles: StaffRolesSchema,
});
export type StaffInviteRequest = z.infer<typeof StaffInviteRequestSchema>;

export const StaffUpdateRequestSchema = z.object({
  name: z.optional(StaffNameSchema),
  languages: z.optional(SpokenLanguagesSchema),
  isTenantAdmin: z.optional(z.boolean()),
  roles: z.optional(StaffRolesSchema),
});
export type StaffUpdateRequest = z.infer<typeof StaffUpdateRequestSchema>;

export const StaffStatusSchema = z.enum(['active', 'invited', 'deactivated']);

export const StaffMemberSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  email: z.string(),
  languages: z.array(z.string()),
  isTenantAdmin: z.boolean(),
  /** `invited`: active, no password yet. */
  status: StaffStatusSchema,
  secondFactor: z.boolean(),
  roles: z.array(z.object({ departmentId: z.uuid(), role: StaffRoleSchema })),
});
export type StaffMember = z.infer<typeof StaffMemberSchema>;

export const StaffListResponseSchema = z.object({
  staff: z.array(StaffMemberSchema),
  /** The municipality's departments a role can be given in. */
  departments: z.array(z.object({ id: z.uuid(), slug: z.string(), name: LocalizedTextSchema })),
});
export type StaffListResponse = z.infer<typeof StaffListResponseSchema>;

export const StaffMemberResponseSchema = z.object({ staff: StaffMemberSchema });

// -- installation: /api/admin/installation/tenants ---------------------------------------------

/**
 * The slug's form; the names the application reserves (`TenantSlugSchema`) are checked by the
 * server, which keeps slugs.ts out of the pages' first download.
 */
const NewSlugSchema = z
  .string()
  .check(
    z.minLength(2),
    z.maxLength(63),
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens'),
  );

export const TenantCreateRequestSchema = z.object({
  slug: NewSlugSchema,
  name: TenantNameSchema,
  timeZone: z.string().check(z.refine(isTimeZone, 'an IANA time zone like Europe/Berlin')),
  stateCode: StateCodeSchema,
  defaultLocale: LocaleSchema,
  admin: z.object({ name: StaffNameSchema, email: EmailSchema }),
});
export type TenantCreateRequest = z.infer<typeof TenantCreateRequestSchema>;

export const InstallationTenantSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  timeZone: z.string(),
  stateCode: z.string(),
  defaultLocale: z.string(),
  archived: z.boolean(),
  staffCount: z.number(),
});
export type InstallationTenant = z.infer<typeof InstallationTenantSchema>;

export const InstallationTenantsResponseSchema = z.object({ tenants: z.array(InstallationTenantSchema) });
export type InstallationTenantsResponse = z.infer<typeof InstallationTenantsResponseSchema>;
export const InstallationTenantResponseSchema = z.object({ tenant: InstallationTenantSchema });
