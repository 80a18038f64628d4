/**
 * Every page of the web client, in one table: the browser's routes, the server's page shell
 * (which answers 404 for slugs that name nothing, and keeps fragment tokens out of Referers)
 * and every link the server builds (mail, invite links) read their paths from here.
 */

interface PageSpec {
  /** Route pattern: `:name` segments are parameters. */
  path: string;
  /** The page lives under a tenant's (and department's) slugs: the shell checks they exist. */
  slugs?: boolean;
  /** Opened from links carrying a token in the fragment: sent with `Referrer-Policy: no-referrer`. */
  tokenInFragment?: boolean;
}

export const PAGES = {
  home: { path: '/' },
  staffHome: { path: '/staff' },
  staffLogin: { path: '/staff/login' },
  staffSecurity: { path: '/staff/security' },
  // Before `console`: the server's shell takes the first match, and this page's Referrer-Policy
  // keeps the token of the fragment. Without a token: the "forgot password" form (issue 15).
  staffPassword: { path: '/staff/password', tokenInFragment: true },
  console: { path: '/staff/:departmentId' },
  call: { path: '/call/:visitId' },
  callEnded: { path: '/call/:visitId/ended' },
  invite: { path: '/einladung', tokenInFragment: true },
  manageAppointment: { path: '/termin', tokenInFragment: true },
  joinAppointment: { path: '/termin/beitreten', tokenInFragment: true },
  mailbox: { path: '/dev/mailbox' },
  // Administration (issue 15): before `tenant`, whose pattern would take `/admin`.
  adminHome: { path: '/admin' },
  adminTenant: { path: '/admin/:tenant' },
  adminDepartment: { path: '/admin/:tenant/departments/:department' },
  adminAudit: { path: '/admin/:tenant/audit' },
  adminServices: { path: '/admin/:tenant/departments/:department/services' },
  adminAvailability: { path: '/admin/:tenant/departments/:department/availability' },
  adminTexts: { path: '/admin/:tenant/texts' },
  // Staff accounts (issue 15); the browser's router prefers fixed segments over parameters.
  staffProfile: { path: '/staff/profile' },
  adminInstallation: { path: '/admin/installation' },
  adminStaff: { path: '/admin/:tenant/staff' },
  // The screens of issue 15 that had an API only: the identity provider's settings, and a clerk's
  // own absences (before `console`, whose `/staff/:departmentId` it extends; first match wins).
  adminSignIn: { path: '/admin/:tenant/sign-in' },
  staffAbsences: { path: '/staff/:departmentId/absences' },
  // The hybrid office (issue 16): devices in the town hall, paired by a code, and their admin page.
  kiosk: { path: '/kiosk' },
  callDisplay: { path: '/anzeige' },
  adminDevices: { path: '/admin/:tenant/departments/:department/devices' },
  tenant: { path: '/:tenant', slugs: true },
  // The municipality's own pages (issue 15) before `department`: the router takes the first match.
  imprint: { path: '/:tenant/impressum', slugs: true },
  privacy: { path: '/:tenant/datenschutz', slugs: true },
  accessibility: { path: '/:tenant/barrierefreiheit', slugs: true },
  faq: { path: '/:tenant/fragen', slugs: true },
  department: { path: '/:tenant/:department', slugs: true },
  waitingRoom: { path: '/:tenant/:department/wait', slugs: true },
  booking: { path: '/:tenant/:department/termin', slugs: true },
} as const satisfies Record<string, PageSpec>;

export type PageName = keyof typeof PAGES;

type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

/** The parameters a page's path needs, e.g. `{ tenant, department }` for `department`. */
export type PageParams<N extends PageName> = { [K in ParamsOf<(typeof PAGES)[N]['path']>]: string };

type ParamArgs<N extends PageName> = [ParamsOf<(typeof PAGES)[N]['path']>] extends [never] ? [] : [PageParams<N>];

/** The path of a page, parameters encoded: `pagePath('waitingRoom', { tenant, department })`. */
export function pagePath<N extends PageName>(name: N, ...[params]: ParamArgs<N>): string {
  const values = (params ?? {}) as Record<string, string>;
  return PAGES[name].path.replace(/:([A-Za-z]+)/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined || value === '') throw new Error(`pagePath(${name}): missing ${key}`);
    return encodeURIComponent(value);
  });
}

/**
 * An absolute link to a page under the installation's public base URL (which may have a path),
 * with an optional fragment: `pageUrl(base, 'invite', [], token)`.
 */
export function pageUrl<N extends PageName>(
  base: URL | string,
  name: N,
  params: ParamArgs<N>,
  fragment?: string,
): string {
  const path = pagePath(name, ...params);
  const url = new URL(path.replace(/^\//, ''), String(base).endsWith('/') ? base : `${String(base)}/`);
  if (fragment !== undefined) url.hash = fragment;
  return url.href;
}
