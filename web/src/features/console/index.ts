// The clerk's side: signing in, the departments, each department's console (door, queue,
// appointments) and the tools a clerk has in a call (their loader in loaders.ts). Pages load when
// opened (issue 14), and only staff pages load this file (app/staff-pages.tsx).
import { lazyComponent } from '../../lib/lazy-component';

export const ConsolePage = lazyComponent(
  () => import('./ConsolePage').then((m) => m.ConsolePage),
  ['console', 'appointments', 'invites', 'moreErrors'],
);
export const StaffHomePage = lazyComponent(
  () => import('./StaffHomePage').then((m) => m.StaffHomePage),
  ['console', 'moreErrors'],
);
export const StaffLoginPage = lazyComponent(
  () => import('./StaffLoginPage').then((m) => m.StaffLoginPage),
  ['console', 'moreErrors'],
);
