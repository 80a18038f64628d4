import { and, eq, isNull, or, sql } from 'drizzle-orm';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppDeps } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { departments, staffMemberships, tenants } from '../../db/schema.js';
import { AppError } from '../../lib/errors.js';
import type { DepartmentRow, TenantRow } from '../directory/directory.repo.js';
import { requireStaff } from './require-staff.js';
import type { StaffRow } from './staff.repo.js';

declare module 'express-serve-static-core' {
  interface Request {
    admin?: AdminScope;
  }
}

/**
 * Who may administer what (issue 15), checked once per route tree:
 * - installation admin (`staff.is_installation_admin`): creates and archives municipalities;
 * - municipality admin (`staff.is_tenant_admin`): everything of their own municipality;
 * - department admin (membership role `admin`): their department;
 * - clerks: no admin route at all.
 * Every admin route also needs a session proved with a second factor or through the identity
 * provider: a password alone is enough for the console, never for administration.
 */
export interface AdminScope {
  staff: StaffRow;
  /** Null only below `/admin/installation`. */
  tenant: TenantRow | null;
  department: DepartmentRow | null;
}

export interface AdminRouters {
  /** Below `/admin/installation`: installation admins. */
  installation?: Router[];
  /** Below `/admin/tenants/:tenant`: that municipality's admins. */
  tenant?: Router[];
  /** Below `/admin/tenants/:tenant/departments/:department`: its municipality's admins and the department's admins. */
  department?: Router[];
}

/** Changes per admin (any admin route but reads): far above work by hand; a script or a stolen session gets five a second. */
export const ADMIN_CHANGE_LIMITS = { perStaff: { max: 3_000, windowMs: 10 * 60_000 } };

/**
 * Downloads per admin (the audit log as CSV, the municipality's export): each reads a whole log or
 * a whole municipality, so a script repeating them would keep the database busy; an admin at work
 * downloads a few a day.
 */
export const ADMIN_DOWNLOAD_LIMITS = { perStaff: { max: 60, windowMs: 10 * 60_000 } };

/** The app's limiter of admin downloads (one name: the audit CSV and the export count together). */
export function adminDownloadLimiter(deps: Pick<AppDeps, 'limits'>) {
  return deps.limits.limiter('admin-downloads', ADMIN_DOWNLOAD_LIMITS.perStaff);
}

/** The municipality `slug`, if `who` administers it (authorization in the query). */
export async function findAdministeredTenant(db: Db, who: StaffRow, slug: string): Promise<TenantRow | undefined> {
  if (!who.isTenantAdmin) return undefined;
  const [row] = await db
    .select()
    .from(tenants)
    .where(and(eq(tenants.slug, slug), eq(tenants.id, who.tenantId), isNull(tenants.archivedAt)))
    .limit(1);
  return row;
}

/** The department, if `who` administers it: as admin of its municipality or with the department's admin role. */
export async function findAdministeredDepartment(
  db: Db,
  who: StaffRow,
  tenantSlug: string,
  departmentSlug: string,
): Promise<{ tenant: TenantRow; department: DepartmentRow } | undefined> {
  const [row] = await db
    .select({ tenant: tenants, department: departments })
    .from(departments)
    .innerJoin(tenants, eq(tenants.id, departments.tenantId))
    .where(
      and(
        eq(tenants.slug, tenantSlug),
        eq(departments.slug, departmentSlug),
        isNull(tenants.archivedAt),
        or(
          who.isTenantAdmin ? eq(tenants.id, who.tenantId) : sql`false`,
          sql`exists (select 1 from ${staffMemberships} where ${staffMemberships.staffId} = ${who.id}
            and ${staffMemberships.departmentId} = ${departments.id} and ${staffMemberships.role} = 'admin')`,
        ),
      ),
    )
    .limit(1);
  return row;
}

export function currentAdmin(req: Request): AdminScope {
  if (!req.admin) throw new Error('route is not mounted below adminRouter');
  return req.admin;
}

/** The municipality of a route below `/admin/tenants/:tenant`. */
export function adminTenant(req: Request): TenantRow {
  const tenant = currentAdmin(req).tenant;
  if (!tenant) throw new Error('route is not mounted below /admin/tenants/:tenant');
  return tenant;
}

/** The department of a route below `/admin/tenants/:tenant/departments/:department`. */
export function adminDepartment(req: Request): { tenant: TenantRow; department: DepartmentRow } {
  const { tenant, department } = currentAdmin(req);
  if (!tenant || !department) throw new Error('route is not mounted below the department admin routes');
  return { tenant, department };
}

/**
 * Mounts the admin route trees, each behind its check, in this order: a staff session (401), a
 * second factor on it (403 second_factor_required), the role for what the path names (403
 * forbidden; an unknown municipality or department is 403 too, so the answer does not tell which
 * exist). Routers given here use paths relative to their tree.
 */
export function adminRouter(deps: Pick<AppDeps, 'database' | 'now' | 'limits'>, routers: AdminRouters): Router {
  const db = deps.database.db;
  const signedIn = requireStaff(deps);
  // Every route has a limit: an admin changes by hand, a script (or a stolen session) in bulk.
  const changes = deps.limits.limiter('admin-changes', ADMIN_CHANGE_LIMITS.perStaff);
  const limited = async (req: Request, _res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') await changes.hit(req.staff!.id);
    next();
  };
  const strong = (req: Request, _res: Response, next: NextFunction) => {
    if (req.staffSession?.authMethod === 'password') throw new AppError('second_factor_required');
    next();
  };
  const installation = (req: Request, _res: Response, next: NextFunction) => {
    const staff = req.staff!;
    if (!staff.isInstallationAdmin) throw new AppError('forbidden');
    req.admin = { staff, tenant: null, department: null };
    next();
  };
  const tenant = async (req: Request<{ tenant: string }>, _res: Response, next: NextFunction) => {
    const staff = req.staff!;
    const row = await findAdministeredTenant(db, staff, req.params.tenant);
    if (!row) throw new AppError('forbidden');
    req.admin = { staff, tenant: row, department: null };
    next();
  };
  const department = async (
    req: Request<{ tenant: string; department: string }>,
    _res: Response,
    next: NextFunction,
  ) => {
    const staff = req.staff!;
    const found = await findAdministeredDepartment(db, staff, req.params.tenant, req.params.department);
    if (!found) throw new AppError('forbidden');
    req.admin = { staff, ...found };
    next();
  };
  const tree = (list: Router[] | undefined) => {
    const router = Router();
    for (const routes of list ?? []) router.use(routes);
    return router;
  };
  // Departments first: their paths also lie below the municipality's, whose check would refuse a
  // department admin.
  return Router()
    .use(
      '/admin/tenants/:tenant/departments/:department',
      signedIn,
      strong,
      department,
      limited,
      tree(routers.department),
    )
    .use('/admin/tenants/:tenant', signedIn, strong, tenant, limited, tree(routers.tenant))
    .use('/admin/installation', signedIn, strong, installation, limited, tree(routers.installation));
}
