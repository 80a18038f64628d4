import { z } from 'zod/mini';
import { LocalizedTextSchema } from './locales.js';

/** Staff sign-in and who is signed in: `POST /api/staff/login`, `GET /api/staff/me`. */

export const LoginRequestSchema = z.object({
  email: z.pipe(
    z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)),
    z.email('please enter an e-mail address'),
  ),
  password: z.string().check(z.minLength(1, 'please enter your password'), z.maxLength(200)),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** `POST /api/staff/second-factor`: the code from the authenticator app. */
export const SecondFactorRequestSchema = z.object({
  code: z.string().check(z.trim(), z.regex(/^\d{6}$/, 'please enter the six digits from your authenticator app')),
});
export type SecondFactorRequest = z.infer<typeof SecondFactorRequestSchema>;

export const StaffMeSchema = z.object({
  staff: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    languages: z.array(z.string()),
    /** The municipality the account belongs to. */
    tenantSlug: z.string(),
    /** Administers the whole municipality. */
    isTenantAdmin: z.boolean(),
    /** Creates and archives municipalities of the installation. */
    isInstallationAdmin: z.boolean(),
    /**
     * `enrolled`: an authenticator app is set up; `proved`: this session was proved with it (or
     * through the identity provider), which every admin route needs.
     */
    secondFactor: z.object({ enrolled: z.boolean(), proved: z.boolean() }),
    departments: z.array(
      z.object({
        id: z.uuid(),
        slug: z.string(),
        name: LocalizedTextSchema,
        tenantSlug: z.string(),
        tenantName: z.string(),
        role: z.enum(['clerk', 'admin']),
      }),
    ),
    /**
     * Stands for the roles above (departments, roles, admin flags) and the departments' names: the
     * staff home sends it with its `watch-roles`, and the live server says `roles-changed` when the
     * roles no longer come to it (an office renamed or archived too).
     */
    rolesKey: z.string(),
  }),
});
export type StaffMe = z.infer<typeof StaffMeSchema>;
