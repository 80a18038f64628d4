import { Suspense } from 'react';
import { lazyComponent } from '../../lib/lazy-component';
import type { ClerkCall, ClerkTools } from '../calls';

// The invite tools load with the clerk's call, not with every call page (issue 14).
const LobbyNotice = lazyComponent(
  () => import('./ClerkCallPanels').then((m) => m.ClerkLobbyNotice),
  ['invites', 'moreErrors', 'console'],
);
const InvitePanel = lazyComponent(
  () => import('./ClerkCallPanels').then((m) => m.ClerkInvitePanel),
  ['invites', 'moreErrors'],
);

/**
 * The clerk's tools in the call: who waits in an invite's lobby, the invite panel, ending
 * the visit for everyone, and ending it as a no-show while the citizen has not joined. The call page gets them from the route (app/routes.tsx).
 */
export function clerkCallTools({ departmentId, visitId, interpreterLanguage, timeZone }: ClerkCall): ClerkTools {
  return {
    notice: (
      <Suspense fallback={null}>
        <LobbyNotice departmentId={departmentId} visitId={visitId} />
      </Suspense>
    ),
    invitePanel: (
      <Suspense fallback={null}>
        <InvitePanel
          departmentId={departmentId}
          visitId={visitId}
          interpreterLanguage={interpreterLanguage}
          timeZone={timeZone}
        />
      </Suspense>
    ),
    // The console's API (and the schemas it parses) stays out of every page's first download.
    endForEveryone: () => import('./api').then((api) => api.finishVisit(departmentId, visitId)),
    // The console's "Nicht erschienen", on the page where the clerk waits for the citizen.
    noShow: () => import('./api').then((api) => api.counterActions.noShow(departmentId, visitId)),
  };
}
