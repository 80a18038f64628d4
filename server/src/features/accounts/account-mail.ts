import { pageUrl } from '@amtsraum/shared';
import type { Ctx } from '../../deps.js';
import type { Db } from '../../db/client.js';
import { enqueueMail } from '../../mail/outbox.js';
import type { Locale } from '../../mail/render.js';
import { staffLinkMail } from '../../mail/templates.js';
import type { TenantRow } from '../directory/directory.repo.js';
import type { StaffRow } from '../staff/staff.repo.js';
import { issueStaffToken, type StaffTokenPurpose } from './staff-tokens.js';

/** German unless the person speaks English and not German; then the municipality's default. */
export function staffMailLocale(person: Pick<StaffRow, 'languages'>, tenant: Pick<TenantRow, 'defaultLocale'>): Locale {
  if (person.languages.includes('de')) return 'de';
  if (person.languages.includes('en')) return 'en';
  return tenant.defaultLocale === 'en' ? 'en' : 'de';
}

/**
 * Issues an invitation or reset link and queues its e-mail, both in `db` (a transaction handle:
 * neither exists unless the caller's change commits). The token rides in the link's fragment,
 * which browsers never send to the server, so it stays out of every access log.
 */
export async function sendStaffLink(
  ctx: Pick<Ctx, 'config' | 'now'>,
  db: Db,
  options: { person: StaffRow; tenant: TenantRow; purpose: StaffTokenPurpose; createdBy: string | null },
): Promise<void> {
  const { person, tenant, purpose } = options;
  const { token, expiresAt } = await issueStaffToken(db, {
    staffId: person.id,
    purpose,
    createdBy: options.createdBy,
    now: ctx.now,
  });
  const mail = staffLinkMail(
    {
      purpose,
      tenantName: tenant.name,
      name: person.name,
      url: pageUrl(ctx.config.publicBaseUrl, 'staffPassword', [], token),
      expiresAt,
      timeZone: tenant.timeZone,
    },
    staffMailLocale(person, tenant),
  );
  await enqueueMail(db, { tenantId: tenant.id, kind: `staff.${purpose}`, to: person.email, ...mail });
}
