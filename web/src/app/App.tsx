import { PAGES, type PageName } from '@amtsraum/shared';
import { BrowserRouter, Route, Routes } from 'react-router';
import { NotFoundPage } from '../ui/NotFoundPage';
import { Layout } from './Layout';
import { PAGE_ELEMENTS } from './routes';

const PAGE_NAMES = Object.keys(PAGES) as PageName[];

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        <Route element={<Layout />}>
          {PAGE_NAMES.map((name) => (
            <Route key={name} path={PAGES[name].path} element={PAGE_ELEMENTS[name]} />
          ))}
          <Route path="*" element={<NotFoundPage reason="route" />} />
        </Route>
      </Routes>
    </BrowserRouter>
  );
}
