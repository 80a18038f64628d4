import { pagePath } from '@amtsraum/shared';
import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LegalFooter } from '../features/legal';
import { Link, NavLink, Outlet, useLocation } from '../lib/router';
import { PageFocusContext, type PageFocus } from '../lib/page-focus';
import { LanguageSwitcher } from '../ui/LanguageSwitcher';
import { ErrorPage } from '../ui/ErrorPage';
import { LoadBoundary } from '../ui/LoadBoundary';
import { LoadingState } from '../ui/LoadingState';

/**
 * The routed page could not be shown whole: said calmly, with a reload (React keeps a lazily
 * loaded component's failure, so trying again in place would fail again). The words are in
 * `errors`, which every page fetches at start (lib/i18n.ts), not in the first download (issue 14).
 */
const LOAD_FAILED = <ErrorPage retry={() => window.location.reload()} />;

export function Layout() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const focusPending = useRef(false);
  const previousPath = useRef(pathname);
  const [announcement, setAnnouncement] = useState('');

  const pageFocus = useMemo<PageFocus>(
    () => ({
      claimFocus: () => {
        const pending = focusPending.current;
        focusPending.current = false;
        return pending;
      },
      requestFocus: () => {
        focusPending.current = true;
      },
      announce: setAnnouncement,
    }),
    [],
  );

  // After a client-side navigation, focus goes to the new page's h1 (WCAG 2.4.3). The first
  // page load keeps the browser's default, so the first Tab still reaches the skip link.
  // This effect runs after the children's, so a heading rendered in this commit is already
  // there; a page still loading its data takes focus itself when its heading mounts.
  useEffect(() => {
    if (previousPath.current === pathname) return;
    previousPath.current = pathname;
    window.scrollTo(0, 0);
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.focus();
      setAnnouncement(document.title);
    } else {
      focusPending.current = true;
    }
  }, [pathname]);

  // Focus main without touching the URL: a #main hash would count as navigation for the router.
  const skipToMain = useCallback((event: MouseEvent<HTMLAnchorElement>) => {
    event.preventDefault();
    mainRef.current?.focus();
  }, []);

  return (
    <PageFocusContext.Provider value={pageFocus}>
      <a className="skip-link" href="#main" onClick={skipToMain}>
        {t('skipLink')}
      </a>
      <header className="site-header">
        <div className="site-header__inner container">
          <Link to={pagePath('home')} className="site-brand">
            <span className="site-brand__name">{t('appName')}</span>
            <span className="site-brand__tagline">{t('tagline')}</span>
          </Link>
          <nav aria-label={t('nav.label')} className="site-nav">
            <NavLink to={pagePath('home')} end>
              {t('nav.home')}
            </NavLink>
          </nav>
          <LanguageSwitcher />
        </div>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="container site-main">
        {/* Pages in chunks of their own (and their translations) load here; one whose download
            failed says so, the header and footer kept (LoadBoundary.tsx). */}
        <Suspense fallback={<LoadingState />}>
          <LoadBoundary at={pathname} fallback={LOAD_FAILED}>
            <Outlet />
          </LoadBoundary>
        </Suspense>
      </main>
      <footer className="site-footer">
        <div className="container">
          <LoadBoundary fallback={null}>
            <Suspense fallback={null}>
              <LegalFooter />
            </Suspense>
          </LoadBoundary>
          <p>{t('footer.about')}</p>
        </div>
      </footer>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </PageFocusContext.Provider>
  );
}
