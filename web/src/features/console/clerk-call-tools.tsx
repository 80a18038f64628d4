import type { ClerkCall, ClerkTools } from '../calls';
import { InvitePanel, LobbyNotice } from '../invites';
import { finishVisit } from './api';

/**
 * The clerk's tools in the call: who waits in an invite's lobby, the invite panel, and ending
 * the visit for everyone. The call page gets them from the route (app/routes.tsx).
 */
export function clerkCallTools({ departmentId, visitId, interpreterLanguage }: ClerkCall): ClerkTools {
  return {
    notice: <LobbyNotice departmentId={departmentId} visitId={visitId} />,
    invitePanel: (
      <InvitePanel departmentId={departmentId} target={{ visitId }} interpreterLanguage={interpreterLanguage} />
    ),
    endForEveryone: () => finishVisit(departmentId, visitId),
  };
}
