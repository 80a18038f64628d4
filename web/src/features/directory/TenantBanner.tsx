import type { TenantSummary } from '@amtsraum/shared';
import type { ReactNode } from 'react';

/**
 * The municipality's identity above a page. Its brand colour is only an accent stripe: it is
 * chosen by each municipality, so no text ever depends on it for contrast.
 */
export function TenantBanner({ tenant, children }: { tenant: TenantSummary; children: ReactNode }) {
  // Only same-origin or inline logos: the CSP (img-src 'self' data:) blocks anything else.
  const logo = tenant.logoUrl && /^(\/(?!\/)|data:image\/)/.test(tenant.logoUrl) ? tenant.logoUrl : null;
  return (
    <div className="tenant-banner" style={{ borderInlineStartColor: tenant.brandColor }}>
      {logo && <img className="tenant-banner__logo" src={logo} alt="" />}
      <div className="tenant-banner__text">{children}</div>
    </div>
  );
}
