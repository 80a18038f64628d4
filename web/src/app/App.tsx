import { BrowserRouter, Route, Routes } from 'react-router';
import { CallEndedPage } from '../call/CallEndedPage';
import { CallPage } from '../call/CallPage';
import { BookingPage } from '../features/booking/BookingPage';
import { JoinPage } from '../features/booking/JoinPage';
import { ManagePage } from '../features/booking/ManagePage';
import { DepartmentPage } from '../features/directory/DepartmentPage';
import { InstallationHomePage } from '../features/directory/InstallationHomePage';
import { TenantPage } from '../features/directory/TenantPage';
import { InvitePage } from '../features/invite/InvitePage';
import { NotFoundPage } from '../features/errors/NotFoundPage';
import { MailboxPage } from '../features/mailbox/MailboxPage';
import { WaitingRoomPage } from '../features/knock/WaitingRoomPage';
import { ConsolePage } from '../features/staff/ConsolePage';
import { StaffHomePage } from '../features/staff/StaffHomePage';
import { StaffLoginPage } from '../features/staff/StaffLoginPage';
import { Layout } from './Layout';

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<InstallationHomePage />} />
          <Route path=":tenant" element={<TenantPage />} />
          <Route path=":tenant/:department" element={<DepartmentPage />} />
          <Route path=":tenant/:department/wait" element={<WaitingRoomPage />} />
          <Route path=":tenant/:department/termin" element={<BookingPage />} />
          <Route path="termin" element={<ManagePage />} />
          <Route path="termin/beitreten" element={<JoinPage />} />
          <Route path="dev/mailbox" element={<MailboxPage />} />
          <Route path="staff" element={<StaffHomePage />} />
          <Route path="staff/login" element={<StaffLoginPage />} />
          <Route path="staff/:departmentId" element={<ConsolePage />} />
          <Route path="call/:visitId" element={<CallPage />} />
          <Route path="call/:visitId/ended" element={<CallEndedPage />} />
          <Route path="einladung" element={<InvitePage />} />
          <Route path="*" element={<NotFoundPage reason="route" />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
