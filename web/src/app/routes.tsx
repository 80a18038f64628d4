import type { PageName } from '@amtsraum/shared';
import { Suspense, useEffect, type ReactElement } from 'react';
import { BookingPage, JoinPage, ManagePage } from '../features/appointments';
import { CallEndedPage, CallPage, CallReadiness } from '../features/calls';
import { ConsolePage, loadClerkCallTools, StaffHomePage, StaffLoginPage } from '../features/console';
import { DepartmentPage, InstallationHomePage, TenantPage } from '../features/directory';
import { CallDisplayPage } from '../features/display';
import { KioskPage } from '../features/kiosk';
import { InvitePage } from '../features/invites';
import { LegalPage } from '../features/legal';
import { MailboxPage } from '../features/mailbox';
import { everyNamespace } from '../lib/i18n';
import { lazyComponent } from '../lib/lazy-component';
import type { StaffAreaPage } from './StaffArea';
import { KnockSection, WaitingRoomPage } from '../features/visits';

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

/** The clerk's console with the same device check, taken into the call of whoever they let in. */
function Console() {
  return (
    <ConsolePage
      renderCallReadiness={(admittedVisitId, grant) => (
        <Suspense fallback={null}>
          <CallReadiness
            role="clerk"
            visitId={admittedVisitId}
            admitted={admittedVisitId !== undefined}
            {...(grant ? { grant } : {})}
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

/** The staff's account pages and the administration, one lazy entry for all (StaffArea.tsx). */
// With every namespace: their messages (`useSay`) need them all, and a page that waited for them
// after its heading had taken focus was hidden by Suspense for a moment, leaving the keyboard focus
// on <body>. Loaded beside the chunk, they make the pages render once, whole. Read from the list of
// German's chunks, not from a list of names of their own in every page's first download (issue 14).
const StaffArea = lazyComponent<{ page: StaffAreaPage }>(
  () => import('./StaffArea').then((m) => m.StaffArea),
  everyNamespace(),
);

/** The pages of the staff area, each its name once (issue 14: every page's first download). */
const STAFF_PAGES = [
  'staffSecurity',
  'staffPassword',
  'staffProfile',
  'adminInstallation',
  'adminStaff',
  'adminServices',
  'adminAvailability',
  'adminHome',
  'adminTenant',
  'adminDepartment',
  'adminAudit',
  'adminTexts',
  'adminSignIn',
  'staffAbsences',
  'adminDevices',
] as const satisfies readonly StaffAreaPage[];
const staffPages = Object.fromEntries(STAFF_PAGES.map((page) => [page, <StaffArea page={page} />])) as Record<
  (typeof STAFF_PAGES)[number],
  ReactElement
>;

/**
 * What each page of the shared page table (`PAGES` in shared/src/pages.ts) shows. Pages that
 * combine features are put together here, so features need not know each other: the knock form
 * goes into the department's page, the clerk's tools into the call. Typed by page name, so a page
 * added to the table without a route here fails to compile. Every feature page but the
 * directory's loads in a chunk of its own when it is opened (Suspense in the layout).
 */
export const PAGE_ELEMENTS: Record<PageName, ReactElement> = {
  ...staffPages,
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
  staffHome: <StaffHomePage />,
  staffLogin: <StaffLoginPage />,
  console: <Console />,
  call: <Call />,
  callEnded: <CallEndedPage />,
  mailbox: <MailboxPage />,
  kiosk: <KioskPage />,
  callDisplay: <CallDisplayPage />,
};
