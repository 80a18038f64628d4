// The administration (issue 15): what a signed-in admin administers, a municipality's settings and
// departments, a department's settings, hours, closures and archiving. Pages load when opened,
// in a chunk of their own: citizens never download them.
import { lazyComponent } from '../../lib/lazy-component';

export const AdminHomePage = lazyComponent(() => import('./AdminHomePage').then((m) => m.AdminHomePage), ['admin']);
export const AdminTenantPage = lazyComponent(
  () => import('./AdminTenantPage').then((m) => m.AdminTenantPage),
  ['admin'],
);
export const AdminDepartmentPage = lazyComponent(
  () => import('./AdminDepartmentPage').then((m) => m.AdminDepartmentPage),
  ['admin'],
);
