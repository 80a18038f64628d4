import { randomBytes } from 'node:crypto';
import { dayRange, parseCivilDate, weeklyWindows } from '@amtsraum/shared';
import { and, count, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  closures,
  departments,
  services,
  staff,
  staffAbsences,
  staffAvailability,
  staffMemberships,
  tenants,
} from '../../db/schema.js';
import type { EventBus } from '../../lib/event-bus.js';
import { hashPassword } from '../../lib/passwords.js';
import { seal } from '../../lib/secret-box.js';
import { TOTP_PURPOSE } from '../staff/second-factor.js';
import type { InstallationFile } from './installation.schema.js';

export interface NewLogin {
  email: string;
  name: string;
  password: string;
}

export interface InstallationResult {
  logins: NewLogin[];
  summary: string[];
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
  const summary: string[] = [];
  for (const input of file.tenants) {
    const tenantValues = {
      name: input.name,
      timeZone: input.timeZone,
      defaultLocale: input.defaultLocale,
      brandColor: input.brandColor,
      logoUrl: input.logoUrl,
    };
    const [tenant] = await tx
      .insert(tenants)
      .values({ slug: input.slug, ...tenantValues })
      .onConflictDoUpdate({ target: tenants.slug, set: tenantValues })
      .returning();
    if (!tenant) throw new Error(`could not write tenant ${input.slug}`);

    const departmentIds = new Map<string, string>();
    const openingHours = new Map(input.departments.map((d) => [d.slug, d.openingHours]));
    for (const [index, d] of input.departments.entries()) {
      const values = {
        name: d.name,
        nameForms: d.nameForms,
        description: d.description,
        contact: d.contact,
        openingHours: d.openingHours,
        queueCap: d.queueCap,
        avgHandlingMinutes: d.avgHandlingMinutes,
        bookingHorizonDays: d.booking.horizonDays,
        bookingLeadMinutes: d.booking.leadMinutes,
        sameDayReleaseTime: d.booking.sameDayReleaseTime,
        joinOpensMinutesBefore: d.booking.joinOpensMinutesBefore,
        noShowGraceMinutes: d.booking.noShowGraceMinutes,
        maxPersonsPerBooking: d.booking.maxPersons,
        sortOrder: index,
      };
      const [row] = await tx
        .insert(departments)
        .values({ tenantId: tenant.id, slug: d.slug, ...values })
        .onConflictDoUpdate({ target: [departments.tenantId, departments.slug], set: values })
        .returning({ id: departments.id });
      if (!row) throw new Error(`could not write department ${d.slug}`);
      departmentIds.set(d.slug, row.id);
      for (const [serviceIndex, s] of d.services.entries()) {
        const serviceValues = {
          name: s.name,
          description: s.description ?? null,
          durationMinutes: s.durationMinutes,
          extraMinutesPerPerson: s.extraMinutesPerPerson,
          documents: s.documents,
          bookable: s.bookable,
          knockable: s.knockable,
          keywords: s.keywords,
          onlineUrl: s.onlineUrl,
          sortOrder: serviceIndex,
        };
        await tx
          .insert(services)
          .values({ departmentId: row.id, slug: s.slug, ...serviceValues })
          .onConflictDoUpdate({ target: [services.departmentId, services.slug], set: serviceValues });
      }
      // Closures are listed in full in the file: the file's list replaces the stored one.
      await tx.delete(closures).where(eq(closures.departmentId, row.id));
      if (d.closures.length > 0) {
        await tx.insert(closures).values(
          d.closures.map((c) => ({
            tenantId: tenant.id,
            departmentId: row.id,
            startsOn: c.from,
            endsOn: c.to,
            reason: c.reason,
          })),
        );
      }
    }
    await tx.delete(closures).where(and(eq(closures.tenantId, tenant.id), isNull(closures.departmentId)));
    if (input.closures.length > 0) {
      await tx
        .insert(closures)
        .values(input.closures.map((c) => ({ tenantId: tenant.id, startsOn: c.from, endsOn: c.to, reason: c.reason })));
    }

    for (const person of input.staff) {
      const [existing] = await tx
        .select({ id: staff.id, tenantId: staff.tenantId })
        .from(staff)
        .where(eq(staff.email, person.email));
      if (existing && existing.tenantId !== tenant.id) {
        throw new Error(`${person.email} already belongs to another municipality`);
      }
      let staffId = existing?.id;
      const values = {
        name: person.name,
        languages: person.languages,
        isTenantAdmin: person.tenantAdmin,
        isInstallationAdmin: person.installationAdmin,
      };
      if (staffId) {
        await tx.update(staff).set(values).where(eq(staff.id, staffId));
      } else {
        const password = person.password ?? randomBytes(12).toString('base64url');
        const [row] = await tx
          .insert(staff)
          .values({ tenantId: tenant.id, email: person.email, passwordHash: await hashPassword(password), ...values })
          .returning({ id: staff.id });
        staffId = row!.id;
        logins.push({ email: person.email, name: person.name, password });
      }
      if (person.totpSecret) {
        if (!options.secret) throw new Error(`${person.email}: a totpSecret needs the installation's SESSION_SECRET`);
        await tx
          .update(staff)
          .set({ totpSecretSealed: seal(options.secret, TOTP_PURPOSE, person.totpSecret), totpConfirmedAt: sql`now()` })
          .where(and(eq(staff.id, staffId), isNull(staff.totpConfirmedAt)));
      }
      await tx.delete(staffMemberships).where(eq(staffMemberships.staffId, staffId));
      const memberships = Object.entries(person.departments).map(([slug, role]) => ({
        staffId: staffId!,
        departmentId: departmentIds.get(slug)!,
        role,
      }));
      if (memberships.length > 0) await tx.insert(staffMemberships).values(memberships);

      // Bookable hours and absences are listed in full in the file, like closures.
      await tx.delete(staffAvailability).where(eq(staffAvailability.staffId, staffId));
      const availability = Object.entries(person.availability).flatMap(([slug, weekly]) => {
        const hours = weekly === 'openingHours' ? openingHours.get(slug)! : weekly;
        const departmentId = departmentIds.get(slug)!;
        return weeklyWindows(hours).map((window) => ({ staffId: staffId!, departmentId, ...window }));
      });
      if (availability.length > 0) await tx.insert(staffAvailability).values(availability);
      await tx.delete(staffAbsences).where(eq(staffAbsences.staffId, staffId));
      if (person.absences.length > 0) {
        await tx.insert(staffAbsences).values(
          person.absences.map((absence) => {
            const days = dayRange(parseCivilDate(absence.from), parseCivilDate(absence.to), input.timeZone);
            return { staffId: staffId!, startsAt: days.from, endsAt: days.to, reason: absence.reason ?? null };
          }),
        );
      }
    }
    summary.push(`${input.slug}: ${input.departments.length} departments, ${input.staff.length} staff`);
  }
  return { logins, summary };
}

/**
 * After a file was applied beside running servers (hours, closures, door settings may have
 * changed): every department's live pages are told, and the live hubs read the departments again.
 */
export async function announceInstallation(db: Db, events: Pick<EventBus, 'publish'>): Promise<void> {
  const rows = await db.select({ id: departments.id }).from(departments);
  for (const { id } of rows) await events.publish({ departmentId: id, context: true });
}
