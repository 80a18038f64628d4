// The clerk's side: signing in, the departments, each department's console (door, queue,
// appointments) and the tools a clerk has in a call. Pages load when opened (issue 14).
import { lazyComponent } from '../../lib/lazy-component';

/** The clerk's tools in a call, loaded with the call page: not in every page's first download. */
export const loadClerkCallTools = () => import('./clerk-call-tools').then((m) => m.clerkCallTools);

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
