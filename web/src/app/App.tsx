import { BrowserRouter, Route, Routes } from 'react-router';
import { CallEndedPage } from '../call/CallEndedPage';
import { CallPage } from '../call/CallPage';
import { DepartmentPage } from '../features/directory/DepartmentPage';
import { InstallationHomePage } from '../features/directory/InstallationHomePage';
import { TenantPage } from '../features/directory/TenantPage';
import { NotFoundPage } from '../features/errors/NotFoundPage';
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
          <Route path="staff" element={<StaffHomePage />} />
          <Route path="staff/login" element={<StaffLoginPage />} />
          <Route path="staff/:departmentId" element={<ConsolePage />} />
          <Route path="call/:visitId" element={<CallPage />} />
          <Route path="call/:visitId/ended" element={<CallEndedPage />} />
          <Route path="*" element={<NotFoundPage reason="route" />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
