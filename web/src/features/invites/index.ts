// Invite links' public face: the invitee's page, and the clerk's tools the console and the call
// page plug in (the call UI itself knows nothing of invites).
export { AppointmentInvites } from './AppointmentInvites';
export { InvitePage } from './InvitePage';
export { InvitePanel } from './InvitePanel';
export { LobbyNotice } from './LobbyNotice';
export { QuickInterpreterInvite } from './QuickInterpreterInvite';
