import { TENANT_TEXT_KINDS } from '@amtsraum/shared';
import { randomBytes } from 'node:crypto';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { departments, staff, tenants } from '../../db/schema.js';
import { publishRolesChanged, type EventBus } from '../../lib/event-bus.js';
import { hashPassword } from '../../lib/passwords.js';
import { seal, TOTP_PURPOSE } from '../../lib/secret-box.js';
import type { InstallationFile } from './installation.schema.js';
import { writeTenantText } from '../legal/write-texts.js';
import { writeService } from '../offer/write-service.js';
import { replaceClosures, writeDepartment, writeTenant } from '../organisation/write-organisation.js';
import { tenantMemberStaffIds } from '../organisation/organisation.repo.js';
import { replaceAbsences, replaceAvailability, upsertStaff } from './write-entities.js';

export interface NewLogin {
  email: string;
  name: string;
  password: string;
}

export interface InstallationResult {
  logins: NewLogin[];
  /** Per municipality written, what the command says: its slug, departments and staff in the file. */
  summary: { slug: string; departments: number; staff: number }[];
  /** Staff whose roles the file took away or lowered: `announceInstallation` tells the running servers. */
  rolesLost: string[];
  /**
   * The municipalities written: everyone working in one of their offices is told too, as the file
   * may have renamed an office or the municipality their staff home lists (`announceInstallation`).
   */
  tenantIds: string[];
}

// Any fixed number (the migrations hold 7_240_411): one writer of installation data at a time.
const SETUP_LOCK_KEY = 7_240_412;

/**
 * Holds the setup lock until the transaction ends. Two app processes starting at once on an empty
 * PostgreSQL would otherwise both find no municipality and both seed it (issue 11: one of them
 * died on tenants_slug_unique); `npm run setup` beside a starting server waits the same way.
 */
async function holdSetupLock(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
}

/**
 * Writes an installation file in one transaction: creates what is new, updates what exists
 * (matched by slug, or e-mail for staff). Existing passwords are never touched; new staff get the
 * file's `password` or a random one, returned once. Lists (closures, bookable hours, absences)
 * replace what is stored. Running the same file twice changes nothing the second time.
 */
export interface InstallationOptions {
  /** SESSION_SECRET, needed only to seal a file's `totpSecret` (lib/secret-box.ts). */
  secret?: string;
}

export async function applyInstallation(
  db: Db,
  file: InstallationFile,
  options: InstallationOptions = {},
): Promise<InstallationResult> {
  return db.transaction(async (tx) => {
    await holdSetupLock(tx);
    return writeInstallation(tx, file, options);
  });
}

/** Like `applyInstallation`, but only into a database without any municipality (the demo seed); null otherwise. */
export async function applyInstallationIfEmpty(
  db: Db,
  file: InstallationFile,
  options: InstallationOptions = {},
): Promise<InstallationResult | null> {
  return db.transaction(async (tx) => {
    await holdSetupLock(tx);
    // Read after the lock is held: a process that seeded meanwhile has committed by now.
    const [existing] = await tx.select({ n: count() }).from(tenants);
    if ((existing?.n ?? 0) > 0) return null;
    return writeInstallation(tx, file, options);
  });
}

async function writeInstallation(
  tx: Db,
  file: InstallationFile,
  options: InstallationOptions,
): Promise<InstallationResult> {
  const logins: NewLogin[] = [];
  const summary: InstallationResult['summary'] = [];
  const rolesLost: string[] = [];
  const tenantIds: string[] = [];
  for (const input of file.tenants) {
    const { slug, texts, closures: tenantClosures, departments: departmentInputs, staff: people, ...settings } = input;
    // The same writers as the admin screens' services; what is only the file's is here: matching
    // by slug and e-mail, and lists given in full.
    const tenant = await writeTenant(tx, { slug }, settings);
    tenantIds.push(tenant.id);
    for (const kind of TENANT_TEXT_KINDS) {
      const body = texts?.[kind];
      // A kind left out stays as it is (edited on the screens, say); null removes it.
      if (body !== undefined) await writeTenantText(tx, { tenantId: tenant.id, kind }, body, { staffId: null });
    }

    const departmentIds = new Map<string, string>();
    const openingHours = new Map(departmentInputs.map((d) => [d.slug, d.openingHours]));
    for (const [
      index,
      { slug: departmentSlug, closures: list, services: offered, booking, ...department },
    ] of departmentInputs.entries()) {
      const { maxPersons: maxPersonsPerBooking, ...rules } = booking;
      const row = await writeDepartment(
        tx,
        { tenantId: tenant.id, slug: departmentSlug, ifTaken: 'update' },
        { ...department, ...rules, maxPersonsPerBooking },
        { sortOrder: index },
      );
      const departmentId = row!.id;
      departmentIds.set(departmentSlug, departmentId);
      for (const [serviceIndex, { slug: serviceSlug, ...service }] of offered.entries()) {
        await writeService(tx, { departmentId, slug: serviceSlug, ifTaken: 'update' }, service, {
          sortOrder: serviceIndex,
        });
      }
      await replaceClosures(tx, tenant.id, departmentId, list);
    }
    await replaceClosures(tx, tenant.id, null, tenantClosures);

    for (const person of people) {
      const roles = new Map(Object.entries(person.departments).map(([slug, role]) => [departmentIds.get(slug)!, role]));
      let password: string | null = null;
      const {
        id: staffId,
        created,
        lostRoles,
      } = await upsertStaff(tx, tenant.id, person, roles, async () => {
        password = person.password ?? randomBytes(12).toString('base64url');
        return hashPassword(password);
      });
      if (lostRoles) rolesLost.push(staffId);
      if (created && password) logins.push({ email: person.email, name: person.name, password });
      if (person.totpSecret) {
        if (!options.secret) throw new Error(`${person.email}: a totpSecret needs the installation's SESSION_SECRET`);
        await tx
          .update(staff)
          .set({ totpSecretSealed: seal(options.secret, TOTP_PURPOSE, person.totpSecret), totpConfirmedAt: sql`now()` })
          .where(and(eq(staff.id, staffId), isNull(staff.totpConfirmedAt)));
      }
      // Bookable hours and absences are listed in full in the file, like closures.
      const hours = new Map(
        Object.entries(person.availability).map(([slug, weekly]) => [
          departmentIds.get(slug)!,
          weekly === 'openingHours' ? openingHours.get(slug)! : weekly,
        ]),
      );
      await replaceAvailability(tx, staffId, hours);
      await replaceAbsences(tx, staffId, person.absences, tenant.timeZone);
    }
    summary.push({ slug, departments: departmentInputs.length, staff: people.length });
  }
  return { logins, summary, rolesLost, tenantIds };
}

/**
 * After a file was applied beside running servers (hours, closures, door settings may have
 * changed): every department's live pages are told, and the live hubs read the departments again.
 * Whoever lost a role (`rolesLost` of the result) is announced too, so that the consoles of
 * departments they no longer belong to close at once, as after a change on the admin screen, and
 * so is everyone working in the municipalities written (`tenantIds`): a staff home open on offices
 * the file renamed shows the new names (the hubs compare its roles' key and tell only a change).
 */
export async function announceInstallation(
  db: Db,
  events: Pick<EventBus, 'publish' | 'publishAll'>,
  result: Pick<InstallationResult, 'rolesLost' | 'tenantIds'> = { rolesLost: [], tenantIds: [] },
): Promise<void> {
  const told = new Set(result.rolesLost);
  for (const tenantId of result.tenantIds) {
    for (const staffId of await tenantMemberStaffIds(db, tenantId)) told.add(staffId);
  }
  await publishRolesChanged(events, told);
  const rows = await db.select({ id: departments.id }).from(departments);
  await events.publishAll(rows.map(({ id }) => ({ departmentId: id, context: true })));
}
