import { OidcSignInErrorSchema } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { useLocation, useSearchParams } from '../../lib/router';
import { signInReturnPath } from '../../lib/session-ended';
import { useLocalize } from '../../lib/useLocalize';
import { useSignInOptions } from './api';
import { providerStartHref, rememberSignInTenant, signInTenant } from './provider-start';

/**
 * On the staff sign-in page opened for a municipality (`/staff/login?tenant=slug`, the link its
 * IT staff hand out), or in a browser that signed in through its provider before (`signInTenant`):
 * "Anmelden mit <label>" when the municipality has an identity provider, and
 * why the last attempt through it did not sign in (`oidcError`, set by the server's callback).
 * Signed in through it, the person comes back to the page that sent them here (`returnTo` in the
 * history entry's state, or in the address after a refused try), as after the password.
 */
export function IdentityProviderSignIn() {
  const [searchParams] = useSearchParams();
  const tenant = signInTenant(searchParams.get('tenant'));
  const reason = OidcSignInErrorSchema.safeParse(searchParams.get('oidcError'));
  return (
    <>
      {reason.success && <SignInError reason={reason.data} />}
      {tenant !== null && <ProviderButton tenant={tenant} />}
    </>
  );
}

function SignInError({ reason }: { reason: string }) {
  const { t } = useTranslation('security');
  return (
    <div className="error-summary" role="alert" data-testid="oidc-error">
      <p className="error-summary__title">{t('oidc.errorTitle')}</p>
      <p>{t(`oidc.errors.${reason}` as 'oidc.errors.failed')}</p>
    </div>
  );
}

function ProviderButton({ tenant }: { tenant: string }) {
  const { t } = useTranslation('security');
  const localize = useLocalize();
  const state = useSignInOptions(tenant);
  const back = signInReturnPath(useLocation().state, useSearchParams()[0]);
  if (state.status !== 'success' || !state.data.identityProvider) return null;
  const { label, startUrl } = state.data.identityProvider;
  const text = localize(label);
  return (
    <div className="panel security-provider">
      {/* A full navigation: the provider's pages follow, then the server's callback. */}
      <a
        className="button button--primary"
        href={providerStartHref(startUrl, back)}
        onClick={() => rememberSignInTenant(tenant)}
        data-testid="oidc-sign-in"
      >
        {t('oidc.signInWith')} <span lang={text.lang}>{text.text}</span>
      </a>
      <p>{t('oidc.or')}</p>
    </div>
  );
}
