import {
  createContext,
  startTransition,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
} from 'react';

/**
 * The web client's router: the browser's history and the page table (`PAGES` in
 * shared/src/pages.ts), nothing more. It replaced React Router, whose 12 kB (gzip) the door page
 * loaded for what these few lines do (issue 14, docs/decisions/020-the-door-page-under-120-kb.md).
 * It keeps React Router's names and behaviour for what the app uses: the history entry's state,
 * a Link to the page already shown replaces the entry, navigations render in a transition (the
 * page shown stays until the next one has loaded), params are decoded.
 */

export interface Location {
  pathname: string;
  search: string;
  hash: string;
  /** What the navigation that made this history entry passed as `state`; null otherwise. */
  state: unknown;
}

/** A path, or its parts (the rest taken as empty). */
export type To = string | { pathname?: string; search?: string; hash?: string };

export interface NavigateOptions {
  replace?: boolean;
  state?: unknown;
}

export type NavigateFunction = {
  (to: To, options?: NavigateOptions): void;
  /** Steps through the browser's history: -1 is Back. */
  (delta: number): void;
};

export interface Route {
  /** `:name` segments are parameters. */
  path: string;
  element: ReactElement;
}

interface RouterState {
  location: Location;
  params: Readonly<Record<string, string>>;
  navigate: NavigateFunction;
  outlet: ReactElement;
}

const RouterContext = createContext<RouterState | null>(null);

function useRouter(): RouterState {
  const router = useContext(RouterContext);
  if (!router) throw new Error('router: used outside <Router>');
  return router;
}

/** The entry's state as written by `navigate` (the same shape React Router wrote). */
interface EntryState {
  usr?: unknown;
  idx?: number;
}

function currentLocation(): Location {
  const { pathname, search, hash } = window.location;
  const entry = window.history.state as EntryState | null;
  return { pathname, search, hash, state: entry?.usr ?? null };
}

function hrefOf(to: To): string {
  if (typeof to === 'string') return to;
  const base = window.location;
  return `${to.pathname ?? base.pathname}${to.search ?? ''}${to.hash ?? ''}`;
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // a malformed escape stays as typed; the page then finds nothing under it
  }
}

/**
 * The route for a path and its parameters. Where several match, fixed segments win over
 * parameters (`/staff/login` over `/staff/:departmentId`), as in React Router; fixed segments
 * compare case-insensitively and a trailing slash is ignored, also as there.
 */
export function matchRoute<R extends { path: string }>(
  routes: readonly R[],
  pathname: string,
): { route: R; params: Record<string, string> } | null {
  const parts = segmentsOf(pathname);
  let best: { route: R; params: Record<string, string>; score: number } | null = null;
  for (const route of routes) {
    const pattern = segmentsOf(route.path);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let score = 0;
    const matches = pattern.every((segment, index) => {
      const part = parts[index]!;
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decode(part);
        score += 3;
        return true;
      }
      score += 10;
      return segment.toLowerCase() === decode(part).toLowerCase();
    });
    if (matches && (!best || score > best.score)) best = { route, params, score };
  }
  return best && { route: best.route, params: best.params };
}

/**
 * Renders `layout` with the page whose route matches the address in it (`<Outlet />`), or
 * `notFound`; follows the browser's Back and Forward.
 */
export function Router({
  routes,
  layout,
  notFound,
}: {
  routes: readonly Route[];
  layout: ReactElement;
  notFound: ReactElement;
}) {
  const [location, setLocation] = useState(currentLocation);

  useLayoutEffect(() => {
    const show = () => {
      startTransition(() => setLocation(currentLocation()));
    };
    window.addEventListener('popstate', show);
    return () => window.removeEventListener('popstate', show);
  }, []);

  const navigate = useMemo<NavigateFunction>(() => {
    const go = (to: To | number, options: NavigateOptions = {}) => {
      if (typeof to === 'number') {
        window.history.go(to); // popstate follows
        return;
      }
      const index = (window.history.state as EntryState | null)?.idx ?? 0;
      const entry: EntryState = { usr: options.state ?? null, idx: options.replace ? index : index + 1 };
      if (options.replace) window.history.replaceState(entry, '', hrefOf(to));
      else window.history.pushState(entry, '', hrefOf(to));
      startTransition(() => setLocation(currentLocation()));
    };
    return go as NavigateFunction;
  }, []);

  const state = useMemo<RouterState>(() => {
    const match = matchRoute(routes, location.pathname);
    return { location, params: match?.params ?? {}, navigate, outlet: match?.route.element ?? notFound };
  }, [routes, location, navigate, notFound]);
  return <RouterContext.Provider value={state}>{layout}</RouterContext.Provider>;
}

/** Where the layout shows the current page. */
export function Outlet() {
  return useRouter().outlet;
}

export const useLocation = (): Location => useRouter().location;

export const useNavigate = (): NavigateFunction => useRouter().navigate;

/** The current page's route parameters, decoded. */
export const useParams = (): Readonly<Partial<Record<string, string>>> => useRouter().params;

/** The address's query, read-only: `const [params] = useSearchParams()`. */
export function useSearchParams(): [URLSearchParams] {
  const { search } = useLocation();
  return [useMemo(() => new URLSearchParams(search), [search])];
}

/** Goes to `to` once rendered (e.g. to the sign-in page when the session is gone). */
export function Navigate({ to, replace, state }: { to: To } & NavigateOptions) {
  const navigate = useNavigate();
  useEffect(() => {
    navigate(to, { replace, state });
    // Once per mount, as React Router's <Navigate>.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return null;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: To;
  replace?: boolean;
  state?: unknown;
  children?: ReactNode;
};

/** A link that changes the page without a page load; a modified or middle click opens it as usual. */
export function Link({ to, replace, state, onClick, target, ...rest }: LinkProps) {
  const { location, navigate } = useRouter();
  const href = hrefOf(to);
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      (target && target !== '_self') ||
      event.metaKey ||
      event.altKey ||
      event.ctrlKey ||
      event.shiftKey
    ) {
      return;
    }
    event.preventDefault();
    const here = `${location.pathname}${location.search}${location.hash}`;
    navigate(to, { replace: replace ?? here === href, state });
  };
  return <a {...rest} href={href} target={target} onClick={handleClick} />;
}

/** A Link marked `aria-current="page"` (and class `active`) while its page, or with `end` unset one below it, is shown. */
export function NavLink({ end, className, ...props }: LinkProps & { end?: boolean }) {
  const { pathname } = useLocation();
  const target = hrefOf(props.to).split(/[?#]/)[0] ?? '';
  const active =
    pathname === target ||
    (!end && pathname.startsWith(target) && (target.endsWith('/') || pathname.charAt(target.length) === '/'));
  return (
    <Link
      {...props}
      aria-current={active ? 'page' : undefined}
      className={[className, active ? 'active' : undefined].filter(Boolean).join(' ') || undefined}
    />
  );
}
