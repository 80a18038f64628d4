import type { PageName } from '@amtsraum/shared';
import type { ReactElement } from 'react';
import { BookingPage, JoinPage, ManagePage } from '../features/appointments';
import { CallEndedPage, CallPage } from '../features/calls';
import { clerkCallTools, ConsolePage, StaffHomePage, StaffLoginPage } from '../features/console';
import { DepartmentPage, InstallationHomePage, TenantPage } from '../features/directory';
import { InvitePage } from '../features/invites';
import { MailboxPage } from '../features/mailbox';
import { KnockSection, WaitingRoomPage } from '../features/visits';

/**
 * What each page of the shared page table (`PAGES` in shared/src/pages.ts) shows. Pages that
 * combine features are put together here, so features need not know each other: the knock form
 * goes into the department's page, the clerk's tools into the call. Typed by page name, so a page
 * added to the table without a route here fails to compile.
 */
export const PAGE_ELEMENTS: Record<PageName, ReactElement> = {
  home: <InstallationHomePage />,
  tenant: <TenantPage />,
  department: <DepartmentPage renderEntry={(door) => <KnockSection {...door} />} />,
  waitingRoom: <WaitingRoomPage />,
  booking: <BookingPage />,
  manageAppointment: <ManagePage />,
  joinAppointment: <JoinPage />,
  invite: <InvitePage />,
  staffHome: <StaffHomePage />,
  staffLogin: <StaffLoginPage />,
  console: <ConsolePage />,
  call: <CallPage clerkTools={clerkCallTools} />,
  callEnded: <CallEndedPage />,
  mailbox: <MailboxPage />,
};
