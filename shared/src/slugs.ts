import { z } from 'zod/mini';

/**
 * First path segments the application itself uses. A tenant slug may not take one of them,
 * because `/<tenant>/<department>` shares the URL space with the app's own pages.
 */
export const RESERVED_SLUGS = [
  'api',
  'assets',
  'staff',
  'admin',
  'installation',
  'dev',
  'invite',
  'einladung',
  'termin',
  'join',
  'call',
  'ws',
  'static',
  'kiosk',
  'anzeige',
  'favicon.ico',
  'robots.txt',
] as const;

export const SlugSchema = z
  .string()
  .check(
    z.minLength(2),
    z.maxLength(63),
    z.regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lowercase letters, digits and single hyphens'),
  );

export const TenantSlugSchema = /* @__PURE__ */ SlugSchema.check(
  z.refine((slug) => !(RESERVED_SLUGS as readonly string[]).includes(slug), 'this name is reserved by the application'),
);
