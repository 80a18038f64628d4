// The municipality's own pages (issue 15): legal texts, FAQ, accessibility feedback; loaded when opened.
import { lazyComponent } from '../../lib/lazy-component';

export const LegalPage = lazyComponent(() => import('./LegalPage').then((m) => m.LegalPage), ['legal']);
/**
 * The footer's legal links load after the page, in the pages' chunk: the door page's budget has no
 * room (issue 14).
 */
export const LegalFooter = lazyComponent(() => import('./LegalPage').then((m) => m.LegalFooter), ['legal']);
export const AdminTextsPage = lazyComponent(
  () => import('./AdminTextsPage').then((m) => m.AdminTextsPage),
  ['legal', 'moreErrors'],
);
