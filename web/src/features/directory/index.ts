// The directory's public face: municipalities, departments and their doors.
import { lazyComponent } from '../../lib/lazy-component';

// The lists of municipalities and departments (with the search, issue 15) load when opened: the
// door page's first download (issue 14) has no room for pages it does not show. Their words are
// in `legal` (the municipality's own pages and finding the right office), not in `directory`,
// which the first download carries.
export const InstallationHomePage = lazyComponent(
  () => import('./InstallationHomePage').then((m) => m.InstallationHomePage),
  ['directory', 'legal'],
);
export const TenantPage = lazyComponent(() => import('./TenantPage').then((m) => m.TenantPage), ['directory', 'legal']);
export { loadDepartment, useDepartment, useTenant } from './api';
export { ContactDetails } from './ContactDetails';
export { DepartmentPage, type DoorContext } from './DepartmentPage';
export { DoorStatus } from './DoorStatus';
export { LiveDoorSummary } from './LiveDoorSummary';
export { NotFoundOr } from './NotFoundOr';
export { TenantBanner } from './TenantBanner';
