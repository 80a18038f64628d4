import { randomBytes } from 'node:crypto';
import { formatCivilDate, pageUrl } from '@amtsraum/shared';
import type { Db } from '../../db/client.js';
import demo from './demo.installation.json' with { type: 'json' };
import { nrwHolidays } from '../organisation/holidays.js';
import { InstallationFileSchema, type InstallationFile } from './installation.schema.js';
import { applyInstallationIfEmpty } from './installation.service.js';

/**
 * Demo data for a first start: two municipalities, the departments Dormagen put into its virtual
 * office, realistic services, opening hours and staff (demo.installation.json, an installation
 * file like infra/installation.example.json, written by the same code as `npm run setup`), plus
 * the public holidays of this year and the next, computed at seeding time.
 */

export interface DemoLogin {
  email: string;
  name: string;
  password: string;
  /** The role in each department, by the department's slug. */
  departments: Record<string, 'clerk' | 'admin'>;
  tenantAdmin: boolean;
}

/** The demo installation as of `now`: this year's and next year's holidays, and each login's password. */
export function demoInstallation(now: Date, password: string | null): InstallationFile {
  const file = InstallationFileSchema.parse(demo);
  const year = now.getUTCFullYear();
  const holidays = [year, year + 1].flatMap((y) =>
    nrwHolidays(y).map(({ date, name }) => ({ from: formatCivilDate(date), to: formatCivilDate(date), reason: name })),
  );
  for (const tenant of file.tenants) {
    tenant.closures = [...tenant.closures, ...holidays];
    // Set after parsing: SEED_DEMO_PASSWORD may be shorter than an installation file allows.
    for (const person of tenant.staff) person.password = password ?? randomBytes(9).toString('base64url');
  }
  return file;
}

/**
 * Seeds the demo installation if the database holds no municipality yet; returns the logins made,
 * or null when there was something already. Several processes starting at once on one empty
 * database seed it exactly once (the setup lock, see installation.service.ts).
 */
export async function seedDemoIfEmpty(
  db: Db,
  options: { now: Date; password: string | null },
): Promise<DemoLogin[] | null> {
  const file = demoInstallation(options.now, options.password);
  const result = await applyInstallationIfEmpty(db, file);
  if (!result) return null;
  const people = new Map(file.tenants.flatMap((tenant) => tenant.staff.map((person) => [person.email, person])));
  return result.logins.map((login) => ({
    ...login,
    departments: people.get(login.email)?.departments ?? {},
    tenantAdmin: people.get(login.email)?.tenantAdmin ?? false,
  }));
}

/**
 * The demo logins for the console, in the terminal's language (German unless the locale names
 * English, cli/say.ts). A password the operator chose (SEED_DEMO_PASSWORD) is known to them and not
 * repeated: the console is log storage under Docker. Random ones are shown once. Addresses,
 * department slugs and the setting's name stay as they are.
 */
export function formatDemoLogins(
  logins: DemoLogin[],
  baseUrl: URL | string,
  options: { fixed: boolean; language: 'de' | 'en' },
): string {
  const en = options.language === 'en';
  const width = Math.max(...logins.map((login) => login.email.length));
  const shown = (login: DemoLogin) => (options.fixed ? 'SEED_DEMO_PASSWORD' : login.password);
  const roles = (login: DemoLogin) =>
    [
      ...(login.tenantAdmin ? [en ? 'municipality admin' : 'Verwaltung der Kommune'] : []),
      ...Object.entries(login.departments).map(([slug, role]) =>
        en ? `${role} ${slug}` : `${role === 'admin' ? 'Amtsverwaltung' : 'Sachbearbeitung'} ${slug}`,
      ),
    ].join(en ? '; ' : '; ');
  const demo = pageUrl(baseUrl, 'tenant', [{ tenant: 'musterstadt' }]);
  return [
    '',
    en
      ? options.fixed
        ? 'Demo data created. Staff sign-in, each with the password set in SEED_DEMO_PASSWORD:'
        : 'Demo data created. Staff sign-in (shown only this once; set SEED_DEMO_PASSWORD for fixed ones):'
      : options.fixed
        ? 'Demo-Daten angelegt. Anmeldung für Mitarbeitende, jeweils mit dem in SEED_DEMO_PASSWORD gesetzten Passwort:'
        : 'Demo-Daten angelegt. Anmeldung für Mitarbeitende (nur dieses eine Mal angezeigt; SEED_DEMO_PASSWORD setzt feste Passwörter):',
    ...logins.map((login) => `  ${login.email.padEnd(width)}  ${shown(login)}   (${roles(login)})`),
    en ? `Open ${demo} to see the demo municipality.` : `Die Demo-Kommune sehen Sie unter ${demo}.`,
    '',
  ].join('\n');
}
