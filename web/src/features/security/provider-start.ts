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
