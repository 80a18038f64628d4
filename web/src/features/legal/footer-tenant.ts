import { useEffect, useSyncExternalStore } from 'react';

/*
 * The municipality whose legal pages the footer links to on a page whose address names none:
 * the manage and join pages of an appointment (`/termin#…`) learn it only from the appointment.
 * Without it, their footer linked to the installation's pages or to nothing, and a citizen found
 * no privacy notice and no accessibility statement there. Kept out of lib/: the door page does
 * not load it.
 */
let current: string | null = null;
const listeners = new Set<() => void>();

function set(tenant: string | null): void {
  current = tenant;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** While the calling page is shown, the footer links to `tenant`'s legal pages. */
export function useFooterTenant(tenant: string | null): void {
  useEffect(() => {
    set(tenant);
    return () => set(null);
  }, [tenant]);
}

/** The municipality a page without one in its address has named for the footer, if any. */
export function useNamedFooterTenant(): string | null {
  return useSyncExternalStore(subscribe, () => current);
}
