// Invite links' public face: the invitee's page (loaded when opened, issue 14), and the clerk's
// tools the console and the call page plug in (the call UI itself knows nothing of invites).
import { lazyComponent } from '../../lib/lazy-component';

export { AppointmentInvites } from './AppointmentInvites';
export { InvitePanel } from './InvitePanel';
export { LobbyNotice } from './LobbyNotice';
export { VisitInvites } from './VisitInvites';

export const InvitePage = lazyComponent(
  () => import('./InvitePage').then((m) => m.InvitePage),
  ['invites', 'moreErrors'],
);
