// The municipality's sign-in through its identity provider (OpenID Connect), for its admin
// (issue 15). Loaded when opened, with the `identity-provider` translations.
import { lazyComponent } from '../../lib/lazy-component';

export const IdentityProviderPage = lazyComponent(
  () => import('./IdentityProviderPage').then((m) => m.IdentityProviderPage),
  ['identity-provider'],
);
