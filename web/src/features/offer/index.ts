// Services, booking rules, clerks' hours and absences (issue 15). Loaded when opened.
import { lazyComponent } from '../../lib/lazy-component';

export const AdminServicesPage = lazyComponent(
  () => import('./AdminServicesPage').then((m) => m.AdminServicesPage),
  ['offer'],
);
export const AdminAvailabilityPage = lazyComponent(
  () => import('./AdminAvailabilityPage').then((m) => m.AdminAvailabilityPage),
  ['offer'],
);
