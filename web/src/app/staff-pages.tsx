import { Suspense, type ReactElement } from 'react';
import { CallReadiness } from '../features/calls';
import { ConsolePage, StaffHomePage, StaffLoginPage } from '../features/console';
import { CallDisplayPage } from '../features/display';
import { KioskPage } from '../features/kiosk';
import { MailboxPage } from '../features/mailbox';
import { everyNamespace } from '../lib/i18n';
import { lazyComponent } from '../lib/lazy-component';
import type { StaffPageName } from './page-kinds';
import type { StaffAreaPage } from './StaffArea';

/**
 * The pages only staff and the town hall's devices open: the clerk's sign-in, offices and console,
 * the mailbox, the kiosk, the call display, and the staff area (the accounts and the
 * administration). One lazily loaded chunk for all of them, so that a citizen's first download
 * carries neither their routes nor the lists of what each of them loads (issue 14: the door page's
 * budget). A staff page waits for this chunk and then its own, one round trip more than a
 * citizen's page; what each page's chunk imports is still fetched beside it.
 */

/** The clerk's console with the device check, taken into the call of whoever they let in. */
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

/** The staff's account pages and the administration, one lazy entry for all (StaffArea.tsx). */
// With every namespace: their messages (`useSay`) need them all, and a page that waited for them
// after its heading had taken focus was hidden by Suspense for a moment, leaving the keyboard focus
// on <body>. Loaded beside the chunk, they make the pages render once, whole.
const StaffArea = lazyComponent<{ page: StaffAreaPage }>(
  () => import('./StaffArea').then((m) => m.StaffArea),
  everyNamespace(),
);

const area = (page: StaffAreaPage) => <StaffArea page={page} />;

const STAFF_PAGES: Record<StaffPageName, ReactElement> = {
  staffHome: <StaffHomePage />,
  staffLogin: <StaffLoginPage />,
  console: <Console />,
  mailbox: <MailboxPage />,
  kiosk: <KioskPage />,
  callDisplay: <CallDisplayPage />,
  staffSecurity: area('staffSecurity'),
  staffPassword: area('staffPassword'),
  staffProfile: area('staffProfile'),
  adminInstallation: area('adminInstallation'),
  adminStaff: area('adminStaff'),
  adminServices: area('adminServices'),
  adminAvailability: area('adminAvailability'),
  adminHome: area('adminHome'),
  adminTenant: area('adminTenant'),
  adminDepartment: area('adminDepartment'),
  adminAudit: area('adminAudit'),
  adminTexts: area('adminTexts'),
  adminSignIn: area('adminSignIn'),
  staffAbsences: area('staffAbsences'),
  adminDevices: area('adminDevices'),
};

export function StaffPage({ page }: { page: StaffPageName }) {
  return STAFF_PAGES[page];
}
