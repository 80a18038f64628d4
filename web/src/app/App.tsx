import { BrowserRouter, Route, Routes } from 'react-router';
import { DepartmentPage } from '../features/directory/DepartmentPage';
import { InstallationHomePage } from '../features/directory/InstallationHomePage';
import { TenantPage } from '../features/directory/TenantPage';
import { NotFoundPage } from '../features/errors/NotFoundPage';
import { Layout } from './Layout';

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<InstallationHomePage />} />
          <Route path=":tenant" element={<TenantPage />} />
          <Route path=":tenant/:department" element={<DepartmentPage />} />
          <Route path="*" element={<NotFoundPage reason="route" />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
