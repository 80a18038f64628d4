import type { StaffMe } from '@amtsraum/shared';

type Staff = StaffMe['staff'];
type Department = Staff['departments'][number];

/** What changed in the list of offices, as the staff home says it (in the language shown then). */
export interface RolesNews {
  added: Department[];
  removed: Department[];
  /** Something else: a role raised or lowered, the administration given or taken. */
  other: boolean;
}

/** The roles alone, without the offices' names: a renamed office is no news. */
const rolesOnly = (staff: Staff) =>
  JSON.stringify([
    staff.isTenantAdmin,
    staff.isInstallationAdmin,
    staff.departments.map((d) => `${d.id}:${d.role}`).sort(),
  ]);

/**
 * What the staff home says when its offices were loaded again (`roles-changed`): offices given,
 * taken (or archived), another change of roles; null when only names changed or nothing did.
 */
export function rolesNews(before: Staff, now: Staff): RolesNews | null {
  const ids = (list: Department[]) => new Set(list.map((d) => d.id));
  const [had, has] = [ids(before.departments), ids(now.departments)];
  const added = now.departments.filter((d) => !had.has(d.id));
  const removed = before.departments.filter((d) => !has.has(d.id));
  const other = rolesOnly(before) !== rolesOnly(now) && added.length === 0 && removed.length === 0;
  return added.length > 0 || removed.length > 0 || other ? { added, removed, other } : null;
}
