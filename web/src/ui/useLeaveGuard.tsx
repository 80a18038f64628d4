import { createContext, useContext, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { KEPT_DRAFT_PREFIX } from '../lib/session-ended';
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
// next save, or the next load of the page's data, then leads to the sign-in page, which comes back
// to the page afterwards. The forms' changes not saved yet wait meanwhile in this tab's
// sessionStorage (never on the server, gone with the tab, taken out once restored) and are filled
// in again, said so, for the admin to check and save. No form keeps secrets this way (passwords,
// codes, client secrets are in none of them). Each entry names the account that typed it
// (`DraftOwner`): someone else signing in in the same tab gets none of it, and it is dropped then.
const keepers = new Set<() => void>();

// Who is signed in on the page (their staff id): the forms keep typing under it, and fill in only
// what the same account kept. Without it (no gate gave one), nothing is kept.
const DraftOwner = createContext<string | null>(null);

/**
 * The pages below belong to `owner` (the signed-in staff member's id): their forms keep typing for
 * this account only, and whatever another account kept in this tab is dropped unseen.
 */
export function DraftsOf({ owner, children }: { owner: string; children: ReactNode }) {
  // Others' only: this account's own wait for its forms, however late their data loads.
  useEffect(() => {
    dropOthers(owner);
  }, [owner]);
  return <DraftOwner.Provider value={owner}>{children}</DraftOwner.Provider>;
}

/** The session ended: every form with changes not saved yet keeps them for after the sign-in. Returns how many. */
export function keepUnsavedDrafts(): number {
  for (const keep of keepers) keep();
  return keepers.size;
}

const draftKey = (owner: string, name: string) => `${KEPT_DRAFT_PREFIX}${owner}:${window.location.pathname}:${name}`;

function readDraft(key: string): unknown {
  try {
    const text = window.sessionStorage.getItem(key);
    window.sessionStorage.removeItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined; // storage refused (private mode) or a malformed entry: nothing to restore
  }
}

/** Another account's kept typing, taken out: `owner` signed in in this tab, and never sees it. */
function dropOthers(owner: string): void {
  try {
    const storage = window.sessionStorage;
    const mine = `${KEPT_DRAFT_PREFIX}${owner}:`;
    const others: string[] = [];
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key?.startsWith(KEPT_DRAFT_PREFIX) && !key.startsWith(mine)) others.push(key);
    }
    for (const key of others) storage.removeItem(key);
  } catch {
    // storage refused: nothing was kept
  }
}

/**
 * The names of this page's forms (from `prefix`) with typing kept for the account signed in: a
 * page whose form opens on demand (a service's, say) opens it again, and the form fills it in.
 */
export function useKeptDraftNames(prefix: string): string[] {
  const owner = useContext(DraftOwner);
  const [names] = useState(() => {
    if (owner === null) return [];
    const start = draftKey(owner, prefix);
    try {
      const found: string[] = [];
      for (let i = 0; i < window.sessionStorage.length; i++) {
        const key = window.sessionStorage.key(i);
        if (key?.startsWith(start)) found.push(key.slice(start.length - prefix.length));
      }
      return found;
    } catch {
      return [];
    }
  });
  return names;
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
 * when the form shows again on this page after the same account signed in: `restore` fills them
 * in. Returns the notice to show above the form once restored (null otherwise). `name` tells the
 * page's forms apart.
 */
export function useKeptDraft<T>(name: string, unsaved: boolean, values: T, restore: (values: T) => void): ReactNode {
  const { t } = useTranslation('admin');
  const owner = useContext(DraftOwner);
  const key = owner === null ? null : draftKey(owner, name);
  const latest = useRef(values);
  const restoreRef = useRef(restore);
  useLayoutEffect(() => {
    latest.current = values;
    restoreRef.current = restore;
  });
  const [restored, setRestored] = useState(false);
  useEffect(() => {
    if (key === null) return;
    const draft = readDraft(key);
    if (draft === undefined || !sameShape(draft, latest.current)) return;
    restoreRef.current(draft as T);
    setRestored(true);
  }, [owner, key]);
  useEffect(() => {
    if (!unsaved || key === null) return undefined;
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
