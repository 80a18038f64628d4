// The administration (issue 15): what a signed-in admin administers, a municipality's settings and
// departments, a department's settings, hours, closures and archiving. The pages load when opened,
// together in a chunk of their own: citizens never download them.
import { lazyComponent } from '../../lib/lazy-component';

/** Every admin page of the table (adminHome, adminTenant, adminDepartment): it picks by the route. */
export const AdminPages = lazyComponent(
  () => import('./pages').then((m) => m.AdminPages),
  ['admin', 'collisions', 'moreErrors'],
);
