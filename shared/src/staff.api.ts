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

export const StaffMeSchema = z.object({
  staff: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    languages: z.array(z.string()),
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
  }),
});
export type StaffMe = z.infer<typeof StaffMeSchema>;
