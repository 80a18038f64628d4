// Visits' public face: knocking on a department's door and waiting to be let in. Both load in
// chunks of their own (issue 14): the door page shows before the knock form's code arrives.
import { lazyComponent } from '../../lib/lazy-component';

export { loadOwnVisit } from './api';

export const KnockSection = lazyComponent(() => import('./KnockSection').then((m) => m.KnockSection), ['visits']);
export const WaitingRoomPage = lazyComponent(
  () => import('./WaitingRoomPage').then((m) => m.WaitingRoomPage),
  ['waiting', 'moreErrors'],
);
