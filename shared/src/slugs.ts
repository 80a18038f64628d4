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

/**
 * Second path segments the municipality's own pages use (`/<tenant>/impressum`, issue 15): a
 * department slug may not take one of them, because `/<tenant>/<department>` shares the space.
 */
export const DEPARTMENT_RESERVED_SLUGS = [
  'admin',
  'api',
  'staff',
  'impressum',
  'imprint',
  'datenschutz',
  'privacy',
  'barrierefreiheit',
  'accessibility',
  'fragen',
  'faq',
  'suche',
  'search',
  'hilfe',
  'help',
  'termin',
  'wait',
] as const;

// Pure: the web client's entry chunk drops it unless used (the door page's budget, issue 14).
export const DepartmentSlugSchema = /* @__PURE__ */ SlugSchema.check(
  z.refine(
    (slug) => !(DEPARTMENT_RESERVED_SLUGS as readonly string[]).includes(slug),
    "this name is reserved for the municipality's own pages",
  ),
);
