import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

// The forms of the page with changes not saved yet, and the question asked before leaving them.
const unsaved = new Set<symbol>();
let question = '';

/** A click on a link that would leave the page: asks first, and stays on "cancel". */
function onClick(event: MouseEvent) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!(link instanceof HTMLAnchorElement) || link.hasAttribute('download')) return;
  if (link.target && link.target !== '_self') return;
  const to = new URL(link.href, window.location.href);
  if (
    to.origin === window.location.origin &&
    to.pathname === window.location.pathname &&
    to.search === window.location.search
  )
    return; // a jump within the page
  if (window.confirm(question)) return;
  // Captured on the window, before the router's own handler on React's root: it never sees it.
  event.preventDefault();
  event.stopPropagation();
}

/** Reloading, closing the tab or typing another address: the browser's own question. */
function onBeforeUnload(event: BeforeUnloadEvent) {
  event.preventDefault();
  // Older Chromium and Safari ask only with a return value.
  event.returnValue = '';
}

/**
 * While `unsavedChanges`, leaving the page by one of its links asks first, and so does the browser
 * when the tab is reloaded or closed: an administrator's typing is not lost by a click on "back to
 * the municipality" between two forms of a long page.
 */
export function useLeaveGuard(unsavedChanges: boolean): void {
  const { t } = useTranslation('admin');
  const text = t('form.leaveUnsaved');
  useEffect(() => {
    question = text;
  }, [text]);
  useEffect(() => {
    if (!unsavedChanges) return;
    const form = Symbol('unsaved form');
    if (unsaved.size === 0) {
      window.addEventListener('click', onClick, true);
      window.addEventListener('beforeunload', onBeforeUnload);
    }
    unsaved.add(form);
    return () => {
      unsaved.delete(form);
      if (unsaved.size > 0) return;
      window.removeEventListener('click', onClick, true);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [unsavedChanges]);
}
