import { InstallationLegalSchema, pagePath } from '@amtsraum/shared';
import { useTranslation } from 'react-i18next';
import { getJson } from '../../lib/api';
import { currentLocale } from '../../lib/i18n';
import { Link, useParams } from '../../lib/router';
import { useLoad } from '../../lib/useLoad';
import { useNamedFooterTenant } from './footer-tenant';

/**
 * The legal links every page carries (issue 15, item 7): a municipality's own pages under its
 * address, the installation operator's (configured, INSTALLATION_*_URL) everywhere else. Its
 * words are in `common`, so the door page loads nothing more for it.
 */
export function LegalFooter() {
  const { tenant: inAddress } = useParams();
  // An appointment's pages (`/termin#…`) name their municipality once the appointment is read.
  const named = useNamedFooterTenant();
  const tenant = inAddress ?? named;
  return tenant ? <TenantLinks tenant={tenant} /> : <InstallationLinks />;
}

function TenantLinks({ tenant }: { tenant: string }) {
  const { t } = useTranslation();
  const links = [
    ['imprint', pagePath('imprint', { tenant })],
    ['privacy', pagePath('privacy', { tenant })],
    ['accessibility', pagePath('accessibility', { tenant })],
    ['faq', pagePath('faq', { tenant })],
  ] as const;
  return (
    <nav aria-label={t('footer.legalLabel')} className="footer-links" data-testid="legal-footer">
      <ul>
        {links.map(([key, to]) => (
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
