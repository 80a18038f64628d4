// Asking before a page is left by one of its own links or the browser's Back and Forward: the
// admin's forms with changes not saved yet (ui/useLeaveGuard.ts) and a running call
// (features/calls/CallView.tsx), which a click on "Amtsraum" in the header would otherwise end.
// Links that open a new tab, downloads and jumps within the page are let through unasked. The
// waiting room asks in a dialog of its own, in the citizen's language
// (features/visits/LeaveQuestion.tsx): `ask`, answered later.

interface Guard {
  question: string;
  unload: boolean;
  history: boolean;
  ask?: (link: HTMLAnchorElement) => Promise<boolean>;
  lets?: (to: URL) => boolean;
}

/** The link followed after a "leave" in a dialog of the page's own: not asked about again. */
let answered: HTMLAnchorElement | null = null;

// The guards in force, newest last: its question is the one asked.
const guards: Guard[] = [];

/** A click on a link that would leave the page: asks first, and stays on "cancel". */
function onClick(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(link instanceof HTMLAnchorElement) || link.hasAttribute('download') || link === answered) return;
  if (link.target && link.target !== '_self') return;
  const to = new URL(link.href, window.location.href);
  if (
    to.origin === window.location.origin &&
    to.pathname === window.location.pathname &&
    to.search === window.location.search
  )
    return; // a jump within the page
  const guard = guards[guards.length - 1];
  if (!guard || guard.lets?.(to) || (!guard.ask && window.confirm(guard.question))) return;
  // Captured on the window, before the router's own handler on React's root: it never sees it.
  event.preventDefault();
  event.stopPropagation();
  void guard.ask?.(link).then((leave) => {
    if (!leave) return;
    answered = link;
    try {
      link.click(); // as the person clicked it: the router's own way, or the browser's
    } finally {
      answered = null;
    }
  });
}

/** The little of the Navigation API used here (not yet in TypeScript's DOM types). */
interface TraverseEvent extends Event {
  navigationType: string;
  cancelable: boolean;
  destination: { url: string };
}
type NavigationTarget = Pick<EventTarget, 'addEventListener' | 'removeEventListener'>;
// Read when a guard is set, not on import: the module is also imported where there is no window (unit tests).
const navigation = () => (window as { navigation?: NavigationTarget }).navigation;

/**
 * Back or Forward within the app. Asked before the address changes: by the time of `popstate`, the
 * router (whose listener came first) has already shown the other page, and React renders a
 * `popstate`'s update at once, so the form and its typing would be gone. "Cancel" stays, address
 * and all. A browser without the Navigation API, or one that lets a page cancel Back only once
 * per click or key press in it (Chromium), goes back unasked.
 */
function onNavigate(event: Event) {
  const traverse = event as TraverseEvent;
  if (traverse.navigationType !== 'traverse' || !traverse.cancelable) return;
  const guard = guards.filter((each) => each.history).pop();
  const to = new URL(traverse.destination.url);
  if (!guard || (to.pathname === window.location.pathname && to.search === window.location.search)) return;
  if (!window.confirm(guard.question)) event.preventDefault();
}

/** Reloading, closing the tab or typing another address: the browser's own question. */
function onBeforeUnload(event: BeforeUnloadEvent) {
  if (!guards.some((guard) => guard.unload)) return;
  event.preventDefault();
  // Older Chromium and Safari ask only with a return value.
  event.returnValue = '';
}

/**
 * Until the returned function is called, leaving the page by one of its links asks `question`
 * first (or `ask`, whose answer true follows the link), but for a link to where `lets` lets go
 * (the way on, e.g. into the call); with `history`, so do the browser's Back and Forward (within the
 * app), and with `unload`, the browser asks before the tab is reloaded or closed.
 */
export function guardLeaving(
  question: string,
  options: { unload?: boolean; history?: boolean; ask?: Guard['ask']; lets?: Guard['lets'] } = {},
): () => void {
  const guard: Guard = {
    question,
    unload: options.unload ?? false,
    history: options.history ?? false,
    ask: options.ask,
    lets: options.lets,
  };
  if (guards.length === 0) {
    window.addEventListener('click', onClick, true);
    window.addEventListener('beforeunload', onBeforeUnload);
    navigation()?.addEventListener('navigate', onNavigate);
  }
  guards.push(guard);
  return () => {
    const index = guards.indexOf(guard);
    if (index >= 0) guards.splice(index, 1);
    if (guards.length > 0) return;
    window.removeEventListener('click', onClick, true);
    window.removeEventListener('beforeunload', onBeforeUnload);
    navigation()?.removeEventListener('navigate', onNavigate);
  };
}
