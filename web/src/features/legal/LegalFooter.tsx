import { CallStatusSchema, InstallationLegalSchema, pagePath } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { Link, useLocation, useParams } from '../../lib/router';
import { useLoad } from '../../lib/useLoad';
import { useNamedFooterTenant } from './footer-tenant';

/**
 * The legal links every page carries (issue 15, item 7): a municipality's own pages under its
 * address, the installation operator's (configured, INSTALLATION_*_URL) everywhere else. Its
 * words are in `common`, so the door page loads nothing more for it.
 */
export function LegalFooter() {
  const { tenant: inAddress, visitId } = useParams();
  const { pathname } = useLocation();
  // An appointment's pages (`/termin#…`) and the invitation page name their municipality once
  // their answer is read.
  const named = useNamedFooterTenant();
  if (inAddress) return <TenantLinks tenant={inAddress} />;
  if (named?.newTab) return <TenantLinksInNewTab tenant={named.tenant} />;
  if (named) return <TenantLinks tenant={named.tenant} />;
  // The call's pages (`/call/:visitId`, `…/ended`) are asked about here, not by their own code: the
  // call page has no room left under its budget (web/vite.config.ts) for naming it.
  if (visitId && (pathname === pagePath('call', { visitId }) || pathname === pagePath('callEnded', { visitId })))
    return <CallLinks visitId={visitId} inCall={pathname === pagePath('call', { visitId })} />;
  return <InstallationLinks />;
}

/**
 * The call's municipality, from the call's status (said to whoever is in the call), asked once per
 * call: the page after the call (`…/ended`) keeps it, when the status says only "ended". During
 * the call the links open in a new tab; after it, as on every other page.
 */
function CallLinks({ visitId, inCall }: { visitId: string; inCall: boolean }) {
  const state = useLoad(`call-legal:${visitId}`, (signal) =>
    getJson(`/api/calls/${encodeURIComponent(visitId)}/status`, CallStatusSchema, {
      language: currentLocale(),
      signal,
    }),
  );
  const tenant = state.status === 'success' ? state.data.tenantSlug : undefined;
  if (!tenant) return state.status === 'loading' ? null : <InstallationLinks />;
  return inCall ? <TenantLinksInNewTab tenant={tenant} /> : <TenantLinks tenant={tenant} />;
}

const tenantLinks = (tenant: string) =>
  [
    ['imprint', pagePath('imprint', { tenant })],
    ['privacy', pagePath('privacy', { tenant })],
    ['accessibility', pagePath('accessibility', { tenant })],
    ['faq', pagePath('faq', { tenant })],
  ] as const;

/**
 * On a page that holds a call (or an invitee's lobby with the camera open), a link in the same
 * tab would leave it: the call would end for this person with a click on "Impressum". The links
 * open in a new tab instead, and say so (their words in `legal`, fetched with them: `common` is
 * the door page's first download).
 */
function TenantLinksInNewTab({ tenant }: { tenant: string }) {
  const { t } = useTranslation(['common', 'legal']);
  return (
    <nav aria-label={t('footer.legalLabel')} className="footer-links" data-testid="legal-footer">
      <ul>
        {tenantLinks(tenant).map(([key, href]) => (
          <li key={key}>
            <a href={href} target="_blank" rel="noopener">
              {t(`footer.${key}`)}
              <span className="visually-hidden"> {t('legal:footer.newTab')}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function TenantLinks({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  return (
    <nav aria-label={t('footer.legalLabel')} className="footer-links" data-testid="legal-footer">
      <ul>
        {tenantLinks(tenant).map(([key, to]) => (
          <li key={key}>
            <Link to={to}>{t(`footer.${key}`)}</Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function InstallationLinks() {
  const { t } = useTranslation();
  const state = useLoad('installation-legal', (signal) =>
    getJson('/api/installation/legal', InstallationLegalSchema, { language: currentLocale(), signal }),
  );
  if (state.status !== 'success') return null;
  const links = [
    ['imprint', state.data.imprintUrl],
    ['privacy', state.data.privacyUrl],
    ['accessibility', state.data.accessibilityUrl],
  ] as const;
  const present = links.filter((link): link is readonly [(typeof link)[0], string] => link[1] !== null);
  if (present.length === 0) return null;
  return (
    <nav aria-label={t('footer.legalLabel')} className="footer-links" data-testid="legal-footer">
      <ul>
        {present.map(([key, href]) => (
          <li key={key}>
            <a href={href}>{t(`footer.${key}`)}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
