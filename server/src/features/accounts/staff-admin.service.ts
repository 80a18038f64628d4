import {
  TAKEN_MESSAGES,
  type StaffInviteRequest,
  type StaffListResponse,
  type StaffMember,
  type StaffUpdateRequest,
} from '@amtsraum/shared';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Ctx } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { departments, staff, staffMemberships } from '../../db/schema.js';
import { AppError, invalidField } from '../../lib/errors.js';
import { publishRolesChanged } from '../../lib/event-bus.js';
import { insertAudit } from '../audit/audit.repo.js';
import type { TenantRow } from '../directory/directory.repo.js';
import { insertStaff, writeMemberships, writeStaffFields, type StaffFields } from '../setup/write-entities.js';
import { endSessions } from '../staff/auth.service.js';
import { refuseInstallationLockOut } from '../staff/installation-admin.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { sendStaffLink } from './account-mail.js';
import { voidStaffTokens } from './staff-tokens.js';

/**
 * The municipality admin's staff administration (issue 15, item 4). Every query names the
 * municipality, so an admin reaches only its people and its departments. Department admins do not
 * manage accounts: an account and its roles span the municipality, and a department admin could
 * otherwise hand out roles in departments they do not run.
 */

type Roles = StaffInviteRequest['roles'];

/** Department id → role: the writer's form (the schema refuses a department named twice). */
const roleMap = (roles: Roles) => new Map(roles.map((role) => [role.departmentId, role.role]));

export const LOCK_OUT = {
  account: 'not for your own account: an admin cannot lock themself out',
  municipality: 'not for your own municipality: an admin cannot lock themself out',
} as const;

/**
 * 403 for an admin's change that would shut themself out. Why goes out as a field error, which
 * the problem writer says in the reader's language (lib/messages.ts); the typed `reason` tells the
 * page it is no right lost meanwhile (an English sentence in `detail` once reached German readers).
 */
export const lockOut = (path: string, message: string = LOCK_OUT.account) =>
  new AppError('forbidden', { extra: { reason: 'lock_out' }, errors: [{ path, message }] });

function toMember(row: StaffRow, roles: StaffMember['roles']): StaffMember {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    languages: row.languages,
    isTenantAdmin: row.isTenantAdmin,
    status: !row.active ? 'deactivated' : row.passwordHash === null && row.oidcSubject === null ? 'invited' : 'active',
    secondFactor: row.totpConfirmedAt !== null,
    roles,
  };
}

async function rolesOf(db: Db, tenantId: string, staffIds: string[]) {
  if (staffIds.length === 0) return new Map<string, StaffMember['roles']>();
  const rows = await db
    .select({
      staffId: staffMemberships.staffId,
      departmentId: staffMemberships.departmentId,
      role: staffMemberships.role,
    })
    .from(staffMemberships)
    .innerJoin(departments, eq(departments.id, staffMemberships.departmentId))
    .where(and(inArray(staffMemberships.staffId, staffIds), eq(departments.tenantId, tenantId)))
    .orderBy(asc(departments.sortOrder), asc(departments.slug));
  const byStaff = new Map<string, StaffMember['roles']>();
  for (const row of rows) {
    const list = byStaff.get(row.staffId) ?? [];
    list.push({ departmentId: row.departmentId, role: row.role });
    byStaff.set(row.staffId, list);
  }
  return byStaff;
}

export async function listStaff(db: Db, tenant: TenantRow): Promise<StaffListResponse> {
  const rows = await db.select().from(staff).where(eq(staff.tenantId, tenant.id)).orderBy(asc(staff.name));
  const roles = await rolesOf(
    db,
    tenant.id,
    rows.map((row) => row.id),
  );
  const departmentRows = await db
    .select({ id: departments.id, slug: departments.slug, name: departments.name })
    .from(departments)
    .where(and(eq(departments.tenantId, tenant.id), isNull(departments.archivedAt)))
    .orderBy(asc(departments.sortOrder), asc(departments.slug));
  return {
    staff: rows.map((row) => toMember(row, roles.get(row.id) ?? [])),
    departments: departmentRows,
  };
}

/** Roles only in departments of this municipality: any other id is refused as a whole. */
async function checkRoles(db: Db, tenant: TenantRow, roles: Roles): Promise<void> {
  if (roles.length === 0) return;
  const ids = roles.map((role) => role.departmentId);
  const found = await db
    .select({ id: departments.id })
    .from(departments)
    .where(and(inArray(departments.id, ids), eq(departments.tenantId, tenant.id)));
  if (found.length !== new Set(ids).size) throw invalidField('roles', 'a department of this municipality');
}

async function findMember(db: Db, tenant: TenantRow, staffId: string): Promise<StaffRow> {
  const [row] = await db
    .select()
    .from(staff)
    .where(and(eq(staff.id, staffId), eq(staff.tenantId, tenant.id)))
    .limit(1);
  // As for an unknown municipality: the answer does not tell which accounts exist elsewhere.
  if (!row) throw new AppError('forbidden');
  return row;
}

async function memberView(db: Db, tenant: TenantRow, row: StaffRow): Promise<StaffMember> {
  return toMember(row, (await rolesOf(db, tenant.id, [row.id])).get(row.id) ?? []);
}

/**
 * 409 with the field that is in use, so the form can say so next to it, in the reader's language
 * (lib/messages.ts), under a title of its own (the generic conflict's "this has just changed,
 * reload" sent admins to reload a form that would be refused again).
 */
export const emailTaken = (path: string) =>
  new AppError('email_taken', { errors: [{ path, message: TAKEN_MESSAGES.email }] });

const isUniqueViolation = (error: unknown) => {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
};

/**
 * Creates the account without a password and e-mails the invitation. `db` may be a transaction
 * (creating a municipality with its first admin).
 */
export async function createInvitedStaff(
  ctx: Pick<Ctx, 'config' | 'now'>,
  db: Db,
  options: { tenant: TenantRow; actor: StaffRow; request: StaffInviteRequest; emailPath?: string },
): Promise<StaffRow> {
  const { tenant, actor, request } = options;
  const emailPath = options.emailPath ?? 'email';
  const [taken] = await db.select({ id: staff.id }).from(staff).where(eq(staff.email, request.email)).limit(1);
  if (taken) throw emailTaken(emailPath);
  let person: StaffRow;
  try {
    person = await insertStaff(db, tenant.id, {
      email: request.email,
      name: request.name,
      passwordHash: null,
      languages: [...new Set(request.languages)],
      isTenantAdmin: request.isTenantAdmin,
    });
  } catch (error) {
    // Two admins inviting one address at once: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken(emailPath);
    throw error;
  }
  await writeMemberships(db, tenant.id, person.id, roleMap(request.roles));
  await sendStaffLink(ctx, db, { person, tenant, purpose: 'invite', createdBy: actor.id });
  await insertAudit(db, {
    tenantId: tenant.id,
    actorKind: 'staff',
    actorStaffId: actor.id,
    action: 'staff.invited',
    data: { staffId: person.id, isTenantAdmin: request.isTenantAdmin, departments: request.roles.length },
  });
  return person;
}

export async function inviteStaff(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  tenant: TenantRow,
  actor: StaffRow,
  request: StaffInviteRequest,
): Promise<StaffMember> {
  await checkRoles(ctx.db, tenant, request.roles);
  const person = await ctx.db.transaction((tx) => createInvitedStaff(ctx, tx, { tenant, actor, request }));
  return memberView(ctx.db, tenant, person);
}

/**
 * Edits an account. A role taken away, lowered, raised or given takes effect at once: the guards
 * read roles on every request, and the live hub of every process closes the consoles of departments
 * the person no longer belongs to, opens those refused before in a department given, and tells
 * their open staff home (event `rolesChanged`).
 */
export async function updateStaff(
  ctx: Pick<Ctx, 'db' | 'events'>,
  tenant: TenantRow,
  actor: StaffRow,
  staffId: string,
  request: StaffUpdateRequest,
): Promise<StaffMember> {
  if (staffId === actor.id && request.isTenantAdmin === false) throw lockOut('isTenantAdmin');
  if (request.roles) await checkRoles(ctx.db, tenant, request.roles);
  const { row, changed, departmentsLeft } = await ctx.db.transaction(async (tx) => {
    const before = await findMember(tx, tenant, staffId);
    const fields: string[] = [];
    const values: StaffFields = {};
    if (request.name !== undefined && request.name !== before.name) {
      values.name = request.name;
      fields.push('name');
    }
    if (request.languages !== undefined) {
      const languages = [...new Set(request.languages)];
      if (languages.join() !== before.languages.join()) {
        values.languages = languages;
        fields.push('languages');
      }
    }
    if (request.isTenantAdmin !== undefined && request.isTenantAdmin !== before.isTenantAdmin) {
      values.isTenantAdmin = request.isTenantAdmin;
      fields.push('isTenantAdmin');
    }
    const row = fields.length ? ((await writeStaffFields(tx, tenant.id, staffId, values)) ?? before) : before;
    const roles = request.roles ? await writeMemberships(tx, tenant.id, staffId, roleMap(request.roles)) : null;
    if (roles && roles.added.length + roles.removed.length + roles.lowered.length + roles.raised.length > 0) {
      fields.push('roles');
    }
    if (fields.length) {
      await insertAudit(tx, {
        tenantId: tenant.id,
        actorKind: 'staff',
        actorStaffId: actor.id,
        action: 'staff.updated',
        data: { staffId, fields: fields.join(',') },
      });
    }
    return {
      row,
      // Given or raised counts too: a console of it refused in the person's open page opens, and
      // their staff home shows the office, the role and the way to the administration.
      changed: fields.includes('roles') || fields.includes('isTenantAdmin'),
      departmentsLeft: roles?.removed ?? [],
    };
  });
  // After the commit, so that every process reads the new roles when it hears of them.
  if (changed) await publishRolesChanged(ctx.events, [staffId]);
  // One clerk fewer in the department: who serves there, and its estimate, changed.
  await ctx.events.publishAll(departmentsLeft.map((departmentId) => ({ departmentId, context: true })));
  return memberView(ctx.db, tenant, row);
}

/**
 * Deactivates the account and ends its sessions at once: its open console closes now, and its
 * unused links stop working. An admin cannot shut themself out.
 */
export async function setStaffActive(
  ctx: Pick<Ctx, 'db' | 'events' | 'now'>,
  tenant: TenantRow,
  actor: StaffRow,
  staffId: string,
  active: boolean,
): Promise<StaffMember> {
  if (staffId === actor.id && !active) throw lockOut('staffId');
  const row = await ctx.db.transaction(async (tx) => {
    const before = await findMember(tx, tenant, staffId);
    if (!active) refuseInstallationLockOut(actor, before, 'staffId');
    if (before.active === active) return before;
    const [after] = await tx
      .update(staff)
      .set({ active })
      .where(and(eq(staff.id, staffId), eq(staff.tenantId, tenant.id)))
      .returning();
    if (!active) await voidStaffTokens(tx, staffId, ctx.now);
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: actor.id,
      action: active ? 'staff.reactivated' : 'staff.deactivated',
      data: { staffId, fields: 'active' },
    });
    return after!;
  });
  if (!active) await endSessions(ctx, { staffId });
  return memberView(ctx.db, tenant, row);
}

/** A new invitation link (the old one stops working), for an active account that has no password yet. */
export async function resendInvitation(
  ctx: Pick<Ctx, 'db' | 'config' | 'now'>,
  tenant: TenantRow,
  actor: StaffRow,
  staffId: string,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const person = await findMember(tx, tenant, staffId);
    // Someone with a password has nothing to be invited to (a forgotten one is reset from the
    // sign-in page); a deactivated account is reactivated first.
    if (person.active && person.passwordHash !== null) throw new AppError('staff_already_active');
    if (!person.active) throw new AppError('conflict');
    await sendStaffLink(ctx, tx, { person, tenant, purpose: 'invite', createdBy: actor.id });
    await insertAudit(tx, {
      tenantId: tenant.id,
      actorKind: 'staff',
      actorStaffId: actor.id,
      action: 'staff.invitation_resent',
      data: { staffId },
    });
  });
}
