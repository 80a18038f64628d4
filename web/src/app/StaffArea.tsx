import type { PageName } from '@amtsraum/shared';
import type { ReactElement } from 'react';
import { AccountsPage } from '../features/accounts';
import { AdminPages } from '../features/admin';
import { AbsencesPage } from '../features/absences';
import { AuditLogPage } from '../features/audit';
import { AdminDevicesPage } from '../features/devices';
import { IdentityProviderPage } from '../features/identity-provider';
import { AdminTextsPage } from '../features/legal';
import { AdminAvailabilityPage, AdminServicesPage } from '../features/offer';
import { SecondFactorGate, StaffSecurityPage } from '../features/security';

/**
 * The staff's own pages and the administration (issue 15), behind one lazily loaded entry of the
 * page table: citizens' first download carries one route for all of them, not one per page
 * (issue 14, the door page's budget). Admin pages show inside the second-factor gate, which asks
 * for the authenticator's code in place when the session has not proved it yet.
 */
const gated = (page: ReactElement) => <SecondFactorGate>{page}</SecondFactorGate>;

const accounts = <AccountsPage />;
const admin = gated(<AdminPages />);

const STAFF_AREA = {
  staffSecurity: <StaffSecurityPage />,
  staffPassword: accounts,
  staffProfile: accounts,
  adminInstallation: gated(accounts),
  adminStaff: gated(accounts),
  adminHome: <AdminPages />,
  adminTenant: admin,
  adminDepartment: admin,
  adminServices: gated(<AdminServicesPage />),
  adminAvailability: gated(<AdminAvailabilityPage />),
  adminAudit: gated(<AuditLogPage />),
  adminTexts: gated(<AdminTextsPage />),
  adminSignIn: gated(<IdentityProviderPage />),
  staffAbsences: <AbsencesPage />,
  adminDevices: gated(<AdminDevicesPage />),
} satisfies Partial<Record<PageName, ReactElement>>;

export type StaffAreaPage = keyof typeof STAFF_AREA;

export function StaffArea({ page }: { page: StaffAreaPage }) {
  return STAFF_AREA[page];
}
