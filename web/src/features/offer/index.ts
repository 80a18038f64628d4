// Services, booking rules, clerks' hours and absences (issue 15). Loaded when opened, both pages
// in one chunk (pages.ts).
import { lazyComponent } from '../../lib/lazy-component';

const pages = () => import('./pages');
export const AdminServicesPage = lazyComponent(
  () => pages().then((m) => m.AdminServicesPage),
  ['offer', 'collisions', 'moreErrors', 'admin'],
);
export const AdminAvailabilityPage = lazyComponent(
  () => pages().then((m) => m.AdminAvailabilityPage),
  ['offer', 'collisions', 'moreErrors', 'admin'],
);
