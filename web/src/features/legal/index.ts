// The municipality's own pages (issue 15): legal texts, FAQ, accessibility feedback; loaded when opened.
import { lazyComponent } from '../../lib/lazy-component';

export const LegalPage = lazyComponent(() => import('./LegalPage').then((m) => m.LegalPage), ['legal']);
/**
 * The footer's legal links load after the page, from a chunk of their own with their words in
 * `common`: the door page's budget has no room for them (issue 14), and every page fetches them
 * at start, so the legal pages' chunk and words wait until a legal page is opened.
 */
export const LegalFooter = lazyComponent(() => import('./LegalFooter').then((m) => m.LegalFooter), []);
export { AdminTextsPage } from './admin-texts';
/** A page whose address names no municipality (an appointment's) names it for the footer's links. */
export { useFooterTenant } from './footer-tenant';
