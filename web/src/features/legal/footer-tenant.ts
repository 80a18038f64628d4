import { useEffect, useSyncExternalStore } from 'react';

/*
 * The municipality whose legal pages the footer links to on a page whose address names none:
 * the manage and join pages of an appointment (`/termin#…`) learn it only from the appointment,
 * the invitation page and the call's pages from their answers (`tenantSlug`). Without it, their
 * footer linked to the installation's pages or to nothing, and a citizen or interpreter found no
 * municipality's legal notice and no privacy statement there. Kept out of lib/: the door page
 * does not load it.
 */
export interface FooterTenant {
  tenant: string;
  /**
   * The page holds something a page change would end (the call, a lobby with the device check):
   * the links open in a new tab, so a click on "Impressum" never loses the call.
   */
  newTab: boolean;
}

let current: FooterTenant | null = null;
const listeners = new Set<() => void>();

function set(named: FooterTenant | null): void {
  current = named;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** While the calling page is shown, the footer links to `tenant`'s legal pages (in a new tab if `newTab`). */
export function useFooterTenant(tenant: string | null | undefined, newTab = false): void {
  useEffect(() => {
    set(tenant ? { tenant, newTab } : null);
    return () => set(null);
  }, [tenant, newTab]);
}

/** The municipality a page without one in its address has named for the footer, if any. */
export function useNamedFooterTenant(): FooterTenant | null {
  return useSyncExternalStore(subscribe, () => current);
}
