import { z } from 'zod';
import { LocalizedTextSchema } from './locales.js';

/** Staff sign-in and who is signed in: `POST /api/staff/login`, `GET /api/staff/me`. */

export const LoginRequestSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('please enter an e-mail address')),
  password: z.string().min(1, 'please enter your password').max(200),
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
