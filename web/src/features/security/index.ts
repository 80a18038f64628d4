// The second factor (authenticator app) and sign-in through the municipality's identity
// provider. Everything here loads in a chunk of its own, with the `security` translations.
import { lazyComponent } from '../../lib/lazy-component';

export const StaffSecurityPage = lazyComponent(
  () => import('./StaffSecurityPage').then((m) => m.StaffSecurityPage),
  ['security', 'moreErrors'],
);

/**
 * Admin pages wrap themselves in it: `<SecondFactorGate>{(me) => <Page me={me} />}</SecondFactorGate>`
 * (or plain children). It asks for the authenticator's code in place until the session is proved.
 * `version`: bump it when an API answer says `second_factor_required`, and it asks again.
 */
export const SecondFactorGate = lazyComponent(
  () => import('./SecondFactorGate').then((m) => m.SecondFactorGate),
  ['security', 'moreErrors'],
);
export type { SecondFactorGateProps } from './SecondFactorGate';

/** On the staff sign-in page: "Anmelden mit …" for `?tenant=slug`, and why the last try failed (`?oidcError=`). */
export const IdentityProviderSignIn = lazyComponent(
  () => import('./IdentityProviderSignIn').then((m) => m.IdentityProviderSignIn),
  ['security', 'moreErrors'],
);
