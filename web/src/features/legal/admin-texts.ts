import { lazyComponent } from '../../lib/lazy-component';

/** The admin's page for the legal texts, declared apart: only the staff area's chunk needs it. */
export const AdminTextsPage = /* @__PURE__ */ lazyComponent(
  () => import('./AdminTextsPage').then((m) => m.AdminTextsPage),
  ['legal', 'moreErrors', 'admin'],
);
