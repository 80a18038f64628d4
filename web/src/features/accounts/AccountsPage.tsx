import { PAGES } from '@amtsraum/shared';
import { matchRoute, useLocation } from '../../lib/router';
import { NotFoundPage } from '../../ui/NotFoundPage';
import { AdminInstallationPage } from './AdminInstallationPage';
import { AdminStaffPage } from './AdminStaffPage';
import { SetPasswordPage } from './SetPasswordPage';
import { StaffProfilePage } from './StaffProfilePage';

const ROUTES = [
  { path: PAGES.staffPassword.path, Page: SetPasswordPage },
  { path: PAGES.staffProfile.path, Page: StaffProfilePage },
  { path: PAGES.adminStaff.path, Page: AdminStaffPage },
  { path: PAGES.adminInstallation.path, Page: AdminInstallationPage },
];

/**
 * Every account page, chosen by the address: one lazy entry and one element in the route table,
 * because each byte there is in the door page's first download (issue 14).
 */
export function AccountsPage() {
  const { pathname } = useLocation();
  const found = matchRoute(ROUTES, pathname);
  if (!found) return <NotFoundPage reason="route" />;
  const { Page } = found.route;
  return <Page />;
}
