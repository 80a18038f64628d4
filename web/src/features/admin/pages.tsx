import { useParams } from '../../lib/router';
import { AdminDepartmentPage } from './AdminDepartmentPage';
import { AdminHomePage } from './AdminHomePage';
import { AdminTenantPage } from './AdminTenantPage';

/**
 * The admin pages behind one lazy component, chosen by the route's parameters (/admin,
 * /admin/:tenant, /admin/:tenant/departments/:department): each lazy component or prop costs the
 * door page's entry chunk bytes, and the door has none to spare (issue 14's budget).
 */
export function AdminPages() {
  const { tenant, department } = useParams();
  if (department) return <AdminDepartmentPage />;
  if (tenant) return <AdminTenantPage />;
  return <AdminHomePage />;
}
