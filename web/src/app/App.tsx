import { PAGES, type PageName } from '@amtsraum/shared';
import { Router, type Route } from '../lib/router';
import { NotFoundPage } from '../ui/NotFoundPage';
import { Layout } from './Layout';
import { pageElement } from './routes';

const ROUTES: readonly Route[] = (Object.keys(PAGES) as PageName[]).map((name) => ({
  path: PAGES[name].path,
  element: pageElement(name),
}));
const LAYOUT = <Layout />;
const NOT_FOUND = <NotFoundPage reason="route" />;

export function App() {
  return <Router routes={ROUTES} layout={LAYOUT} notFound={NOT_FOUND} />;
}
