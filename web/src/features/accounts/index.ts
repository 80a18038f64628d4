// Staff accounts (issue 15): setting a password from a link, the reset, one's profile, the staff
// administration of a municipality and the installation's municipalities. One chunk, loaded when
// one of them is opened: each lazy entry costs the door page's first download (issue 14).
import { lazyComponent } from '../../lib/lazy-component';

export const AccountsPage = lazyComponent(
  () => import('./AccountsPage').then((m) => m.AccountsPage),
  ['accounts', 'moreErrors', 'admin'],
);
