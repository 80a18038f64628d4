// Staff accounts (issue 15): setting a password from a link, the reset, one's profile, the staff
// administration of a municipality and the installation's municipalities. Loaded when opened.
import { lazyComponent } from '../../lib/lazy-component';

export const SetPasswordPage = lazyComponent(
  () => import('./SetPasswordPage').then((m) => m.SetPasswordPage),
  ['accounts'],
);
export const PasswordResetPage = lazyComponent(
  () => import('./PasswordResetPage').then((m) => m.PasswordResetPage),
  ['accounts'],
);
export const StaffProfilePage = lazyComponent(
  () => import('./StaffProfilePage').then((m) => m.StaffProfilePage),
  ['accounts'],
);
export const AdminStaffPage = lazyComponent(
  () => import('./AdminStaffPage').then((m) => m.AdminStaffPage),
  ['accounts'],
);
export const AdminInstallationPage = lazyComponent(
  () => import('./AdminInstallationPage').then((m) => m.AdminInstallationPage),
  ['accounts'],
);
