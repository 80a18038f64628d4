import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { guardLeaving } from '../lib/leave-guard';

/**
 * While `unsavedChanges`, leaving the page by one of its links or the browser's Back asks first,
 * and so does the browser when the tab is reloaded or closed: an administrator's typing is not
 * lost by a click on "back to the municipality" between two forms of a long page. For the admin
 * pages only (their lazy components load the `admin` namespace), never the citizens' first download.
 */
export function useLeaveGuard(unsavedChanges: boolean): void {
  const { t } = useTranslation('admin');
  const question = t('form.leaveUnsaved');
  useEffect(
    () => (unsavedChanges ? guardLeaving(question, { unload: true, history: true }) : undefined),
    [unsavedChanges, question],
  );
}

// The session can end while an admin types (it expired, or they signed out in another tab): the
// next save then leads to the sign-in page, which comes back to the page afterwards. The forms'
// changes not saved yet wait meanwhile in this tab's sessionStorage (never on the server, gone
// with the tab, taken out once restored) and are filled in again, said so, for the admin to check
// and save. No form keeps secrets this way (passwords, codes, client secrets are in none of them).
const DRAFT_KEY = 'amtsraum.unsaved:';
const keepers = new Set<() => void>();

/** The session ended: every form with changes not saved yet keeps them for after the sign-in. */
export function keepUnsavedDrafts(): void {
  for (const keep of keepers) keep();
}

function readDraft(key: string): unknown {
  try {
    const text = window.sessionStorage.getItem(key);
    window.sessionStorage.removeItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined; // storage refused (private mode) or a malformed entry: nothing to restore
  }
}

/** Whether a kept draft has the form's shape: the same fields, each of the same kind. */
function sameShape(draft: unknown, values: unknown): boolean {
  if (typeof values !== 'object' || values === null) return typeof draft === typeof values;
  if (typeof draft !== 'object' || draft === null || Array.isArray(draft) !== Array.isArray(values)) return false;
  if (Array.isArray(values)) return true;
  const keys = Object.keys(values);
  return (
    keys.length === Object.keys(draft).length &&
    keys.every(
      (key) =>
        key in draft &&
        typeof (draft as Record<string, unknown>)[key] === typeof (values as Record<string, unknown>)[key],
    )
  );
}

/**
 * A form's changes not saved yet, kept when the session ends (`keepUnsavedDrafts`) and restored
 * when the form shows again on this page after signing in: `restore` fills them in. Returns the
 * notice to show above the form once restored (null otherwise). `name` tells the page's forms apart.
 */
export function useKeptDraft<T>(name: string, unsaved: boolean, values: T, restore: (values: T) => void): ReactNode {
  const { t } = useTranslation('admin');
  const key = `${DRAFT_KEY}${window.location.pathname}:${name}`;
  const latest = useRef(values);
  const restoreRef = useRef(restore);
  useLayoutEffect(() => {
    latest.current = values;
    restoreRef.current = restore;
  });
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    const draft = readDraft(key);
    if (draft === undefined || !sameShape(draft, latest.current)) return;
    restoreRef.current(draft as T);
    setRestored(true);
  }, [key]);
  useEffect(() => {
    if (!unsaved) return undefined;
    const keep = () => {
      try {
        window.sessionStorage.setItem(key, JSON.stringify(latest.current));
      } catch {
        // storage full or refused: the sign-in page still follows; nothing else to do
      }
    };
    keepers.add(keep);
    return () => {
      keepers.delete(keep);
    };
  }, [unsaved, key]);
  if (!restored) return null;
  return (
    <p className="notice" role="status" data-testid="draft-restored">
      {t('form.draftRestored')}
    </p>
  );
}
