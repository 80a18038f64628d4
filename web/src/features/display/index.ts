// The call display in a town hall's waiting area (issue 16), in a chunk of its own.
import { lazyComponent } from '../../lib/lazy-component';

export const CallDisplayPage = lazyComponent(
  () => import('./CallDisplayPage').then((m) => m.CallDisplayPage),
  ['display', 'devices', 'moreErrors'],
);
