// The kiosk at a town hall's entrance (issue 16): check-in and walk-in tickets, in a chunk of its own.
import { lazyComponent } from '../../lib/lazy-component';

export const KioskPage = lazyComponent(
  () => import('./KioskPage').then((m) => m.KioskPage),
  ['kiosk', 'devices', 'moreErrors'],
);
