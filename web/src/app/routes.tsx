import type { PageName } from '@amtsraum/shared';
import { Suspense, useEffect, type ReactElement } from 'react';
import { BookingPage, JoinPage, ManagePage } from '../features/appointments';
import { CallEndedPage, CallPage, CallReadiness } from '../features/calls';
import { loadClerkCallTools } from '../features/console/loaders';
import { DepartmentPage, InstallationHomePage, TenantPage } from '../features/directory';
import { InvitePage } from '../features/invites';
import { LegalPage } from '../features/legal';
import { lazyComponent } from '../lib/lazy-component';
import { KnockSection, WaitingRoomPage } from '../features/visits';
import type { CitizenPageName, StaffPageName } from './page-kinds';

/**
 * The door page: the department (in the first download) with the knock form below, whose chunk
 * starts loading with the page rather than after the department's data (issue 14).
 */
function DoorPage() {
  useEffect(() => {
    void KnockSection.preload().catch(() => {
      // Offline for a moment: rendering the form tries again.
    });
  }, []);
  return (
    <DepartmentPage
      renderEntry={(door) => (
        <Suspense fallback={null}>
          <KnockSection {...door} />
        </Suspense>
      )}
    />
  );
}

/** The citizen's waiting room with the calls feature's device check in it. */
function WaitingRoom() {
  return (
    <WaitingRoomPage
      renderCallReadiness={(visit) => (
        <Suspense fallback={null}>
          <CallReadiness
            role="citizen"
            visitId={visit.id}
            admitted={visit.state === 'admitted' || visit.state === 'in_call'}
          />
        </Suspense>
      )}
    />
  );
}

/** The call page with the clerk's tools plugged in, both loading when a call opens (in parallel). */
const Call = lazyComponent(
  () =>
    Promise.all([loadClerkCallTools(), CallPage.preload()]).then(([clerkTools]) => {
      const CallWithTools = () => <CallPage clerkTools={clerkTools} />;
      return CallWithTools;
    }),
  [],
);

/** Every page only staff and the town hall's devices open, in one chunk of their own (staff-pages.tsx). */
const StaffPage = lazyComponent<{ page: StaffPageName }>(() => import('./staff-pages').then((m) => m.StaffPage), []);

/**
 * What each page of the shared page table (`PAGES` in shared/src/pages.ts) that citizens,
 * interpreters and guests open shows. Pages that combine features are put together here, so
 * features need not know each other: the knock form goes into the department's page, the clerk's
 * tools into the call. Every other page is a staff page, whose element is in staff-pages.tsx; both
 * are typed by the names in page-kinds.ts, so a page added to the table without a route in one of
 * the two fails to compile. Every feature page but the directory's loads in a chunk of its own when it is
 * opened (Suspense in the layout).
 */
const CITIZEN_PAGES: Record<CitizenPageName, ReactElement> = {
  home: <InstallationHomePage />,
  tenant: <TenantPage />,
  imprint: <LegalPage kind="imprint" />,
  privacy: <LegalPage kind="privacy" />,
  accessibility: <LegalPage kind="accessibility" />,
  faq: <LegalPage kind="faq" />,
  department: <DoorPage />,
  waitingRoom: <WaitingRoom />,
  booking: <BookingPage />,
  manageAppointment: <ManagePage />,
  joinAppointment: <JoinPage />,
  invite: <InvitePage CallReadiness={CallReadiness} />,
  call: <Call />,
  callEnded: <CallEndedPage />,
};

/** What the page `name` shows. */
export function pageElement(name: PageName): ReactElement {
  return name in CITIZEN_PAGES ? CITIZEN_PAGES[name as CitizenPageName] : <StaffPage page={name as StaffPageName} />;
}
