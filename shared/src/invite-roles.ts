import type { Locale } from './locales.js';

/** An invite link's role (`InviteRoleSchema` in invites.api.ts). */
export type InviteRoleName = 'interpreter' | 'guest';

/**
 * The name of each invite role in every interface language, as the pages say it
 * (`web/src/locales/<lang>/invites.json` `roles`, kept equal by a test). A link made without a
 * label is labelled with its role's name in the clerk's language, and a clerk may type one: such
 * a label says nothing the role does not. A reader in another language must know it for one too,
 * without loading that language's whole bundle: a German page said "als Dolmetscherin oder
 * Dolmetscher („Interpreter“)" for a link an English-speaking clerk made.
 */
export const INVITE_ROLE_NAMES: Record<Locale, Record<InviteRoleName, string>> = {
  de: { interpreter: 'Dolmetscherin/Dolmetscher', guest: 'Gast' },
  en: { interpreter: 'Interpreter', guest: 'Guest' },
};

const folded = (text: string) => text.trim().toLocaleLowerCase('de');

/** True when `label` is the name of `role` in any interface language ("Interpreter", "gast"). */
export function isInviteRoleName(role: InviteRoleName, label: string): boolean {
  const wanted = folded(label);
  return Object.values(INVITE_ROLE_NAMES).some((names) => folded(names[role]) === wanted);
}
