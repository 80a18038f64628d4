import { StaffReturnPathSchema } from '@amtsraum/shared';

/**
 * The address of the "sign in with <provider>" button: the server's start, with the staff or
 * admin page that sent the person to sign in (`returnTo`, see lib/session-ended.ts) so the
 * provider's sign-in comes back to it, as a password does. The server checks the path again and
 * keeps it in the sign-in's cookie; a path it would not take is not sent at all.
 */
export function providerStartHref(startUrl: string, back: string | null): string {
  if (back === null || !StaffReturnPathSchema.safeParse(back).success) return startUrl;
  const query = new URLSearchParams({ returnTo: back }).toString();
  return `${startUrl}${startUrl.includes('?') ? '&' : '?'}${query}`;
}

const TENANT_KEY = 'amtsraum.signIn.tenant';
const TENANT_SLUG = /^[a-z0-9-]{1,63}$/;

/** What the browser's storage offers here: `localStorage`, or nothing where privacy settings forbid it. */
type SlugStore = Pick<Storage, 'getItem' | 'setItem'>;

function defaultStore(): SlugStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * The municipality whose provider the sign-in page offers: the one its address names
 * (`?tenant=slug`, the link IT staff hand out, or an admin page's gate), else the one this browser
 * last signed in through. A clerk whose session ends on the console (`/staff/<department>`, no
 * municipality in it) otherwise met a sign-in page without the provider's button; an account the
 * provider made has no password, so that was a dead end. Only a slug is kept, nobody's name.
 */
export function signInTenant(fromAddress: string | null, store: SlugStore | null = defaultStore()): string | null {
  if (fromAddress !== null && TENANT_SLUG.test(fromAddress)) return fromAddress;
  try {
    const kept = store?.getItem(TENANT_KEY) ?? null;
    return kept !== null && TENANT_SLUG.test(kept) ? kept : null;
  } catch {
    return null;
  }
}

/** Remembers that this browser signs in through `tenant`'s provider (see `signInTenant`). */
export function rememberSignInTenant(tenant: string, store: SlugStore | null = defaultStore()): void {
  if (!TENANT_SLUG.test(tenant)) return;
  try {
    store?.setItem(TENANT_KEY, tenant);
  } catch {
    // Storage full or forbidden: the address's ?tenant= still offers the button.
  }
}
